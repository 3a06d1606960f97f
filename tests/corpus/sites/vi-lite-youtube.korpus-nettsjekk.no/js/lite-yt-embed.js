/* lite-youtube-embed (self-hosted copy, trimmed) */
class LiteYTEmbed extends HTMLElement {
  connectedCallback() {
    this.videoId = this.getAttribute('videoid');
    this.style.cssText = 'display:block;position:relative;width:560px;height:315px;background-size:cover;background-position:center;cursor:pointer';
    this.style.backgroundImage = 'url("https://i.ytimg.com/vi/' + this.videoId + '/hqdefault.jpg")';
    const btn = document.createElement('button');
    btn.type = 'button'; btn.classList.add('lty-playbtn');
    const label = document.createElement('span'); label.className = 'lyt-visually-hidden';
    label.textContent = this.getAttribute('playlabel') || 'Play'; btn.append(label); this.append(btn);
    this.addEventListener('click', () => this.activate(), {once: true});
  }
  activate() {
    const f = document.createElement('iframe');
    f.width = 560; f.height = 315; f.title = this.getAttribute('playlabel') || 'Play';
    f.allow = 'accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture'; f.allowFullscreen = true;
    f.src = 'https://www.youtube-nocookie.com/embed/' + encodeURIComponent(this.videoId) + '?autoplay=1';
    this.append(f);
  }
}
customElements.define('lite-youtube', LiteYTEmbed);
