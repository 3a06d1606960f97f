/* Fake of Botpress webchat inject.js: window.botpress with init(); a FAB and a webchat iframe. */
(function () {
  const listeners = {};
  function frame(cls, src, css) {
    const f = document.createElement('iframe');
    f.className = cls; f.src = src; f.title = 'Botpress'; f.style.cssText = css;
    document.body.appendChild(f);
    return f;
  }
  window.botpress = {
    init(config) {
      const q = '?botId=' + encodeURIComponent(config.botId) + '&clientId=' + encodeURIComponent(config.clientId);
      frame('bpFab', 'https://cdn.botpress.cloud/webchat/v3.2/fab.html' + q,
            'position:fixed;right:16px;bottom:16px;width:64px;height:64px;border:0;z-index:2147483000');
      frame('bpWebchat', 'https://cdn.botpress.cloud/webchat/v3.2/index.html' + q,
            'position:fixed;right:16px;bottom:96px;width:400px;height:600px;border:0;display:none;z-index:2147483000');
      fetch('https://chat.botpress.cloud/' + config.clientId + '/users', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{}'}).catch(() => null);
      (listeners['webchat:initialized'] || []).forEach(fn => fn());
    },
    on(event, fn) { (listeners[event] = listeners[event] || []).push(fn); },
    open() {}, close() {}, sendEvent() {}
  };
})();
