/* fake Discourse embed (<forum>/javascripts/embed.js) */
(function () {
  var d = document, cfg = window.DiscourseEmbed || {};
  var box = d.getElementById('discourse-comments');
  if (!box) return;
  var f = d.createElement('iframe');
  f.id = 'discourse-embed-frame'; f.title = 'Discourse'; f.setAttribute('frameborder', '0'); f.width = '100%'; f.height = '300';
  f.src = cfg.discourseUrl + 'embed/comments?embed_url=' + encodeURIComponent(cfg.discourseEmbedUrl || location.href);
  box.appendChild(f);
})();
