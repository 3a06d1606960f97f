/* fake Instagram embed.js */
(function () {
  var w = window, d = document;
  function process() {
    d.querySelectorAll('blockquote.instagram-media').forEach(function (bq, i) {
      var link = bq.getAttribute('data-instgrm-permalink') || '';
      var m = link.match(/instagram\.com\/(p|reel|tv)\/([^\/?#]+)/);
      if (!m) return;
      var f = d.createElement('iframe');
      f.className = 'instagram-media instagram-media-rendered'; f.id = 'instagram-embed-' + i;
      f.src = 'https://www.instagram.com/' + m[1] + '/' + m[2] + '/embed/captioned/?cr=1&v=14&wp=540&rd=' + encodeURIComponent(location.origin);
      f.setAttribute('allowtransparency', 'true'); f.setAttribute('frameborder', '0'); f.height = '620'; f.style.cssText = 'background:#fff;max-width:540px;width:100%;border-radius:3px';
      bq.parentNode.replaceChild(f, bq);
    });
  }
  w.instgrm = {Embeds: {process: process}};
  process();
})();
