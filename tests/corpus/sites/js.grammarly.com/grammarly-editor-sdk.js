/* Fake of Grammarly's Text Editor SDK loader: window.Grammarly, <grammarly-editor-plugin>, <grammarly-button>. */
(function () {
  const me = document.currentScript;
  const clientId = me ? new URL(me.src).searchParams.get('clientId') : null;
  class Plugin extends HTMLElement { connectedCallback() { this.setAttribute('data-grammarly-ready', ''); } }
  class Button extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      this.attachShadow({mode: 'open'}).innerHTML = '<button type="button" aria-label="Grammarly writing suggestions">G</button>';
    }
  }
  if (!customElements.get('grammarly-editor-plugin')) customElements.define('grammarly-editor-plugin', Plugin);
  if (!customElements.get('grammarly-button')) customElements.define('grammarly-button', Button);
  window.Grammarly = {
    init(id) { return Promise.resolve({addPlugin() { return {}; }, clientId: id}); },
    EditorSDK: function () {}
  };
  fetch('https://gnar.grammarly.com/events', {method: 'POST', headers: {'Content-Type': 'text/plain'},
    body: JSON.stringify({eventName: 'sdk/loaded', clientId})}).catch(() => null);
})();
