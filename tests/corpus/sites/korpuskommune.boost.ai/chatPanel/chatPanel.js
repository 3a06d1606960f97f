/* Fake of boost.ai's chatPanel.js: window.boostInit(tenant, options) -> {chatPanel}. */
(function () {
  window.boostInit = function (tenant, options) {
    const apiUrl = 'https://' + tenant + '.boost.ai/api/chat/v2';
    fetch(apiUrl, {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({command: 'START', language: 'no-NO'})}).catch(() => null);
    return {chatPanel: {
      show() {
        if (document.querySelector('.boost-chat-panel')) return;
        const panel = document.createElement('div');
        panel.className = 'boost-chat-panel';
        panel.innerHTML = '<div role="dialog" aria-label="' + ((options.chatPanel || {}).header || {}).title + '">' +
          '<textarea aria-label="Skriv en melding"></textarea></div>';
        document.body.appendChild(panel);
      },
      addEventListener() {}, setFilterValues() {}
    }};
  };
})();
