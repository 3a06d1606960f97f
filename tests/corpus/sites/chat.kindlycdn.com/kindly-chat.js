/* Fake of Kindly's chat loader: window.kindlyChat and a shadow-DOM bubble. */
(function () {
  const host = document.createElement('div');
  host.id = 'kindly-chat-root';
  host.attachShadow({mode: 'open'}).innerHTML = '<button type="button" aria-label="Opne chat" ' +
    'style="position:fixed;right:16px;bottom:16px;width:60px;height:60px;border-radius:30px;border:0;background:#1b5e20"></button>';
  document.body.appendChild(host);
  window.kindlyChat = {open() {}, close() {}, triggerDialogue() {}, setNewContext() {}};
})();
