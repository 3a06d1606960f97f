/* Fake of kapa.ai's widget bundle: #kapa-widget-container (shadow DOM) with an "Ask AI" button, window.Kapa. */
(function () {
  const me = document.currentScript || document.querySelector('script[src*="widget.kapa.ai"]');
  const websiteId = me ? me.getAttribute('data-website-id') : '';
  const label = (me && me.getAttribute('data-button-text')) || 'Ask AI';
  const host = document.createElement('div');
  host.id = 'kapa-widget-container';
  const root = host.attachShadow({mode: 'open'});
  root.innerHTML = '<button id="kapa-button" type="button" style="position:fixed;right:20px;bottom:20px;' +
    'padding:10px 14px;border-radius:8px;border:0;background:#0b6e99;color:#fff;z-index:2147483000">' +
    '<span>' + label + '</span></button><div id="kapa-widget-portal"></div>';
  document.body.appendChild(host);
  window.Kapa = function () {};
  window.Kapa.open = function () {};
  window.Kapa.close = function () {};
  fetch('https://proxy.kapa.ai/query/v1/projects/' + websiteId + '/widget-config/', {headers: {'X-Kapa-Widget': '1'}})
    .catch(() => null);
})();
