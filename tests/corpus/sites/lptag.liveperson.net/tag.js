/* fake LivePerson tag (lptag.liveperson.net/tag/tag.js?site=<account>) */
(function () {
  var w = window, d = document, t = w.lpTag;
  t.Chronos = {Events: function () {}, Commands: function () {}, ReqRes: function () {}};
  t.taglets = t.taglets || {}; t.taglets.rendererStub = {click: function () {}};
  var s = d.createElement('script'); s.charset = 'UTF-8';
  s.src = 'https://lpcdn.lpsnmedia.net/le_re/3.53.1.0-release_5134/jsv2/overlay.js?_v=3.53.1.0-release_5134';
  d.head.appendChild(s);
  var b = d.createElement('div'); b.id = 'lpChat'; b.className = 'LPMcontainer LPMoverlay';
  b.innerHTML = '<div role="button" tabindex="0" class="LPMimage" aria-label="Chat"></div>';
  d.body.appendChild(b);
})();
