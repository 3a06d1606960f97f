/* fake Hyvor Talk embed (talk.hyvor.com/embed/embed.js, type=module) */
class HyvorTalkComments extends HTMLElement {
  connectedCallback() {
    const site = this.getAttribute('website-id'), page = this.getAttribute('page-id') || location.pathname;
    this.innerHTML = '<div class="ht-comments"><p>Chargement des commentaires…</p></div>';
    fetch('https://talk.hyvor.com/api/embed/v1/init?website_id=' + site + '&page_id=' + encodeURIComponent(page)).catch(() => {});
  }
}
if (!customElements.get('hyvor-talk-comments')) customElements.define('hyvor-talk-comments', HyvorTalkComments);
