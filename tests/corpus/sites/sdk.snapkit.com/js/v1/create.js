/* fake Snap Kit Creative Kit web SDK (sdk.snapkit.com/js/v1/create.js) */
(function () {
  var w = window, d = document;
  function init(buttons) {
    [].forEach.call(buttons || [], function (el) {
      if (el.querySelector('button')) return;
      var b = d.createElement('button'); b.type = 'button'; b.className = 'snapchat-share-button';
      b.setAttribute('aria-label', 'Snapchat'); b.innerHTML = '<span class="snap-ghost"></span>';
      el.appendChild(b);
    });
  }
  w.snap = w.snap || {};
  w.snap.creativekit = {initalizeShareButtons: init, renderShareButtons: function () {}};
  if (typeof w.snapKitInit === 'function') w.snapKitInit();
  else init(d.getElementsByClassName('snapchat-creative-kit-share'));
})();
