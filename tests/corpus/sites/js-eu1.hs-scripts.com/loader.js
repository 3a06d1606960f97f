/* fake HubSpot tracking code loader (js-eu1.hs-scripts.com/<portal>.js) */
(function () {
  var d = document, portal = '26123456';
  window._hsq = window._hsq || [];
  var s = d.createElement('script');
  s.src = 'https://js-eu1.usemessages.com/conversations-embed.js';
  s.setAttribute('data-hsjs-portal', portal); s.setAttribute('data-hsjs-env', 'prod'); s.setAttribute('data-hsjs-hublet', 'eu1');
  s.id = 'hubspot-messages-loader'; s.async = true;
  d.head.appendChild(s);
})();
