/* fake Telia ACE Widgets embed (widgets.ace.teliacompany.net/embed/<tenant>/<id>), loaded as a module */
var w = window, d = document;
var stub = w.ace || {_c: [], _w: []};
var widgets = [];
var ace = {
  _c: stub._c, _w: stub._w,
  widget: function (name, options) { widgets.push([name, options]); mount(name); },
  configure: function (conf) { ace._c.push(conf); },
  version: function () { return {widgets: {'ace-widgets': '1.4.2'}}; }
};
w.ace = ace;
function mount(name) {
  var host = d.createElement('div');
  host.className = 'ace-widget-host'; host.setAttribute('data-ace-widget', name || 'chat');
  host.innerHTML = '<button type="button" aria-label="Åpne samtale">💬</button>';
  d.body.appendChild(host);
}
stub._w.forEach(function (args) { ace.widget(args[0], args[1]); });
if (!widgets.length) mount('chat');
fetch('https://api.ace.teliacompany.net/webapi/client/korpusfylke/1/entrances/skoleskyss/opening-hours?days=1').catch(function () {});
