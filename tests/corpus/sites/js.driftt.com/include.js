/* fake Drift widget (js.driftt.com/include/<ts>/<embed id>.js) */
(function () {
  var w = window, d = document;
  var t = w.driftt = w.drift = w.driftt || [];
  t.api = {openChat: function () {}, sidebar: {open: function () {}}};
  t.on = function (ev, cb) { if (ev === 'ready' && typeof cb === 'function') setTimeout(function () { cb(t.api); }, 0); };
  var ctrl = d.createElement('div'); ctrl.id = 'drift-frame-controller'; ctrl.className = 'drift-conductor-item drift-frame-controller';
  ctrl.innerHTML = '<iframe class="drift-frame-controller" title="Drift Widget Chat Controller" src="about:blank" style="border:0;position:fixed;bottom:24px;right:24px;width:76px;height:76px"></iframe>';
  var chat = d.createElement('div'); chat.id = 'drift-frame-chat'; chat.className = 'drift-conductor-item drift-frame-chat';
  chat.setAttribute('aria-hidden', 'true');
  chat.innerHTML = '<iframe class="drift-frame-chat" title="Drift Widget Chat Window" src="about:blank" style="display:none"></iframe>';
  d.body.appendChild(ctrl); d.body.appendChild(chat);
  fetch('https://event.api.drift.com/track', {method: 'POST', body: JSON.stringify({type: 'page', embedId: 'k8r3zm2a9x4d'}),
    headers: {'Content-Type': 'text/plain'}}).catch(function () {});
})();
