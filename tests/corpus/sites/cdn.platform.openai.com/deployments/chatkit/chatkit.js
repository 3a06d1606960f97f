/* Fake of OpenAI ChatKit's loader: defines <openai-chatkit>, which renders the hosted ChatKit frame. */
(function () {
  if (customElements.get('openai-chatkit')) return;
  class OpenAIChatKit extends HTMLElement {
    constructor() { super(); this._options = {}; this.attachShadow({mode: 'open'}); }
    setOptions(options) { this._options = options || {}; if (this.isConnected) this._render(); }
    connectedCallback() { this._render(); }
    async _render() {
      if (this._frame) return;
      const frame = document.createElement('iframe');
      frame.src = 'https://cdn.platform.openai.com/deployments/chatkit/index.html#v=1';
      frame.title = 'ChatKit';
      frame.style.cssText = 'border:0;width:100%;height:100%;min-height:420px';
      this._frame = frame;
      this.shadowRoot.append(frame);
      try {
        const api = this._options.api || {};
        const secret = api.getClientSecret ? await api.getClientSecret(null) : '';
        await fetch('https://api.openai.com/v1/chatkit/threads?limit=20', {
          headers: {'Authorization': 'Bearer ' + secret, 'OpenAI-Beta': 'chatkit_beta=v1'}});
      } catch (e) { /* offline */ }
    }
  }
  customElements.define('openai-chatkit', OpenAIChatKit);
})();
