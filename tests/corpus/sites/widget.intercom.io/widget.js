/* fake Intercom Messenger loader (widget.intercom.io/widget/<app_id>) */
(function () {
  var w = window, d = document;
  var queued = (w.Intercom && w.Intercom.q) || [];
  var settings = w.intercomSettings || {};
  function Intercom(cmd) { Intercom.calls.push([].slice.call(arguments)); if (cmd === 'show') open(); }
  Intercom.calls = queued.slice(); Intercom.booted = true;
  w.Intercom = Intercom;
  var style = d.createElement('style');
  style.id = 'intercom-lightweight-app-style';
  style.textContent = '.intercom-lightweight-app{position:fixed;z-index:2147483001}.intercom-lightweight-app-launcher{position:fixed;bottom:20px;right:20px;width:48px;height:48px;border-radius:50%;background:#0057ff;cursor:pointer}';
  d.head.appendChild(style);
  var app = d.createElement('div');
  app.className = 'intercom-lightweight-app';
  app.innerHTML = '<div class="intercom-lightweight-app-launcher intercom-launcher" role="button" tabindex="0" aria-label="Open Intercom Messenger" aria-live="polite">' +
    '<div class="intercom-lightweight-app-launcher-icon intercom-lightweight-app-launcher-icon-open"></div></div>';
  d.body.appendChild(app);
  function open() {
    if (d.getElementById('intercom-container')) return;
    var c = d.createElement('div'); c.id = 'intercom-container'; c.className = 'intercom-namespace';
    c.innerHTML = '<iframe name="intercom-messenger-frame" title="Intercom live chat" src="about:blank"></iframe>';
    d.body.appendChild(c);
  }
  app.firstChild.addEventListener('click', open);
  var frame = d.createElement('script');
  frame.src = 'https://js.intercomcdn.com/frame-modern.5e1c9a2f.js'; frame.async = true;
  d.head.appendChild(frame);
  fetch('https://api-iam.intercom.io/messenger/web/ping', {method: 'POST',
    body: new URLSearchParams({app_id: settings.app_id || '', 'user_data': '{}'})}).catch(function () {});
  try { w.__icSocket = new WebSocket('wss://nexus-websocket-a.intercom.io/pubsub/5-demo?X-Nexus-New-Client=true&X-Nexus-Version=0.14.0&user_role=visitor'); } catch (e) {}
})();
