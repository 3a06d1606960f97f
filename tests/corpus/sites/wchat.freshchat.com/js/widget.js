/* fake Freshchat web messenger (wchat.freshchat.com/js/widget.js) */
(function () {
  var w = window, d = document;
  function render(cfg) {
    if (d.getElementById('fc_frame')) return;
    var box = d.createElement('div'); box.id = 'fc_frame'; box.className = 'fc-widget-normal';
    box.innerHTML = '<iframe id="fc_widget" name="fc_widget" title="Chat" src="about:blank" style="border:0;width:65px;height:65px"></iframe>';
    d.body.appendChild(box);
    fetch('https://wchat.freshchat.com/app/services/app/webchat/' + ((cfg && cfg.token) || 'x') + '/config?domain=' + location.host).catch(function () {});
  }
  w.fcWidget = {init: function (cfg) { render(cfg); }, open: function () {}, close: function () {}, on: function () {},
                user: {setProperties: function () {}}, isInitialized: function () { return !!d.getElementById('fc_frame'); }};
  if (w.fcSettings) { w.fcWidget.init(w.fcSettings); if (typeof w.fcSettings.onInit === 'function') w.fcSettings.onInit(); }
})();
