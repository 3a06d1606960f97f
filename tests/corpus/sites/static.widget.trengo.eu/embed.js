/* fake Trengo widget embed (static.widget.trengo.eu/embed.js) */
(function () {
  var w = window, d = document, T = w.Trengo;
  T.eventBus = {$on: function () {}, $emit: function () {}};
  T.Api = {Widget: {open: function () {}, url_updated: function () {}}};
  var el = d.createElement('div'); el.id = 'trengo-web-widget';
  el.innerHTML = '<button type="button" class="trengo-vue-iframe" aria-label="Chat">💬</button>';
  d.body.appendChild(el);
  fetch('https://static.widget.trengo.eu/widget-config/' + T.key + '.json').catch(function () {});
})();
