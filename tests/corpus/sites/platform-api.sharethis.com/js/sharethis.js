/* fake ShareThis loader (platform-api.sharethis.com/js/sharethis.js#property=...&product=inline-share-buttons) */
(function () {
  var w = window, d = document;
  w.__sharethis__ = {config: {}, href: location.href, load: function () {}, initialize: function () {}};
  var cfg = d.createElement('script');
  cfg.src = 'https://buttons-config.sharethis.com/js/64f1c2a9b7e3d20013a5c8e1.js'; cfg.async = true;
  d.head.appendChild(cfg);
  d.querySelectorAll('.sharethis-inline-share-buttons').forEach(function (box) {
    box.classList.add('st-inline-share-buttons', 'st-center');
    ['facebook', 'twitter', 'linkedin', 'email'].forEach(function (n) {
      var b = d.createElement('div'); b.className = 'st-btn'; b.setAttribute('data-network', n); b.setAttribute('role', 'button');
      b.innerHTML = '<span class="st-label">' + n + '</span>'; box.appendChild(b);
    });
  });
})();
