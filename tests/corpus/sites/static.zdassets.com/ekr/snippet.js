/* fake Zendesk Web Widget snippet (static.zdassets.com/ekr/snippet.js?key=...) */
(function () {
  var d = document, w = window;
  var me = d.getElementById('ze-snippet');
  var key = me ? (me.src.split('key=')[1] || '') : '';
  var q = [];
  w.zE = w.zEmbed = function () { q.push([].slice.call(arguments)); };
  w.zE.q = q;
  fetch('https://ekr.zdassets.com/compose/' + key).catch(function () {});
  var main = d.createElement('script');
  main.src = 'https://static.zdassets.com/web_widget/messenger/latest/web-widget-main-2e1a7c.js';
  d.head.appendChild(main);
  var hidden = d.createElement('iframe');
  hidden.setAttribute('data-product', 'web_widget'); hidden.title = 'No content'; hidden.tabIndex = -1;
  hidden.setAttribute('aria-hidden', 'true'); hidden.src = 'about:blank';
  hidden.style.cssText = 'width:0;height:0;border:0;position:absolute;top:-9999px';
  d.body.appendChild(hidden);
  var holder = d.createElement('div');
  holder.innerHTML = '<iframe id="launcher" title="Knapp for å åpne meldingsvinduet" src="about:blank" ' +
    'style="position:fixed;bottom:14px;right:14px;width:60px;height:60px;border:0;border-radius:30px;background:#17494d"></iframe>';
  d.body.appendChild(holder);
})();
