/* Fake of Dialogflow Messenger's bootstrap.js: the <df-messenger> element. */
(function () {
  if (customElements.get('df-messenger')) return;
  class DfMessenger extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({mode: 'open'});
      root.innerHTML = '<button id="widgetIcon" aria-label="' + (this.getAttribute('chat-title') || 'Chat') + '" ' +
        'style="position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:28px;border:0;background:#42a5f5"></button>';
      const agent = this.getAttribute('agent-id');
      const session = 'dfMessenger-' + Math.floor(Math.random() * 1e8);
      fetch('https://dialogflow.cloud.google.com/v1/integrations/messenger/webhook/' + agent + '/sessions/' + session, {
        method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({queryInput: {event: {name: this.getAttribute('intent') || 'WELCOME',
          languageCode: this.getAttribute('language-code') || 'en'}}})}).catch(() => null);
    }
  }
  customElements.define('df-messenger', DfMessenger);
})();
