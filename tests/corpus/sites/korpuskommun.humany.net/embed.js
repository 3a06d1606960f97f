/* fake Humany (Telia ACE Knowledge) embed.js: replaces the humany stub and mounts the floating help widget */
(function () {
  var w = window, d = document;
  var queued = (w.humany && w.humany._c) || [];
  var list = [];
  w.humany = w.Humany = {
    _c: queued,
    configure: function () { queued.push(arguments); },
    widgets: {all: function () { return list; }, find: function (n) { return list.filter(function (x) { return x.name === n; })[0]; }}
  };
  var el = d.createElement('div');
  el.className = 'humany-trigger humany-floating';
  el.innerHTML = '<button type="button" aria-label="Hjälp">?</button>';
  d.body.appendChild(el);
  list.push({name: 'default', element: el});
  fetch('https://korpuskommun.humany.net/default/guides?language=sv&client=korpus').catch(function () {});
})();
