/* fake TikTok embed.js */
(function () {
  var d = document;
  d.querySelectorAll('blockquote.tiktok-embed').forEach(function (bq) {
    var id = bq.getAttribute('data-video-id');
    var f = d.createElement('iframe');
    f.name = '__tt_embed__v' + Math.floor(Math.random() * 1e8);
    f.src = 'https://www.tiktok.com/embed/v2/' + id + '?lang=fr-FR&referrer=' + encodeURIComponent(location.href);
    f.style.cssText = 'width:100%;height:739px;display:block;visibility:unset;max-height:739px;border:0';
    f.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox allow-scripts allow-top-navigation allow-same-origin');
    bq.innerHTML = ''; bq.appendChild(f);
  });
})();
