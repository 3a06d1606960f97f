/* fake Disqus embed (<shortname>.disqus.com/embed.js) */
(function () {
  var w = window, d = document;
  var cfg = {page: {}};
  if (typeof w.disqus_config === 'function') { try { w.disqus_config.call(cfg); } catch (e) {} }
  w.DISQUS = {reset: function () {}, host: 'disqus.com'};
  var t = d.getElementById('disqus_thread');
  if (!t) return;
  var f = d.createElement('iframe');
  f.id = 'dsq-app' + Math.floor(Math.random() * 9000 + 1000); f.name = f.id; f.title = 'Disqus';
  f.setAttribute('scrolling', 'no'); f.style.cssText = 'width:100%;border:0;height:320px';
  f.src = 'https://disqus.com/embed/comments/?base=default&f=korpusbloggen&t_i=' + encodeURIComponent(cfg.page.identifier || '') +
    '&t_u=' + encodeURIComponent(cfg.page.url || location.href) + '&s_o=default#version=1f2d3c4b';
  t.appendChild(f);
})();
