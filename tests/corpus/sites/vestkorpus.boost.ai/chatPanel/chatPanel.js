/* fake Boost.ai chat panel (<tenant>.boost.ai/chatPanel/chatPanel.js) */
(function () {
  var w = window, d = document;
  function panel(options) {
    var el = null;
    return {
      show: function () {
        if (el) { el.hidden = false; return; }
        el = d.createElement('div'); el.className = 'boost-chat-panel';
        el.setAttribute('role', 'dialog'); el.setAttribute('aria-label', 'Chatbot');
        el.innerHTML = '<div class="boost-header">Kommunens chatbot</div><div class="boost-messages"></div>' +
          '<textarea aria-label="Skriv meldinga di"></textarea>';
        d.body.appendChild(el);
        fetch('https://vestkorpus.boost.ai/api/chat/v2', {method: 'POST', body: JSON.stringify({command: 'START'}),
          headers: {'Content-Type': 'text/plain'}}).catch(function () {});
      },
      hide: function () { if (el) el.hidden = true; },
      addEventListener: function () {}, setConversationId: function () {}, sendMessage: function () {}
    };
  }
  w.boostChatPanel = function (options) { return panel(options); };
  w.boostInit = function (tenant, options) { return {chatPanel: panel(options)}; };
})();
