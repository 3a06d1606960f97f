/* fake Landbot 3 loader (static.landbot.io/landbot-3/landbot-3.0.0.js) */
(function () {
  var w = window, d = document;
  function mount(kind) {
    return function (opts) {
      var el = d.createElement('div'); el.className = 'Landbot' + kind;
      el.innerHTML = '<iframe class="LandbotFrame" title="Landbot" src="about:blank"></iframe>';
      d.body.appendChild(el);
      fetch(opts.configUrl).catch(function () {});
      this.open = function () {}; this.close = function () {};
    };
  }
  w.Landbot = {Livechat: mount('Livechat'), Popup: mount('Popup'), Container: mount('Container')};
})();
