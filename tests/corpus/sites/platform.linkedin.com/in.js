/* fake LinkedIn platform in.js */
(function () {
  var w = window, d = document;
  w.IN = w.IN || {ENV: {}, Event: {on: function () {}}, UI: {}, parse: function () {}};
  d.querySelectorAll('script[type="IN/Share"]').forEach(function (s) {
    var span = d.createElement('span'); span.className = 'IN-widget'; span.setAttribute('data-lnkd-debug', '<script type="IN/Share+init">');
    span.innerHTML = '<button type="button" class="IN-share-button" aria-label="Share on LinkedIn">Share</button>';
    s.parentNode.insertBefore(span, s.nextSibling);
  });
})();
