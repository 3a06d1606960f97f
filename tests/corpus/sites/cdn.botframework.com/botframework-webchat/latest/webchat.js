/* Fake of the Bot Framework Web Chat bundle: window.WebChat with createDirectLine and renderWebChat. */
(function () {
  function createDirectLine(options) {
    const domain = (options && options.domain) || 'https://directline.botframework.com/v3/directline';
    const conversation = fetch(domain + '/conversations', {method: 'POST',
      headers: {'Authorization': 'Bearer ' + ((options && (options.token || options.secret)) || '')}}).catch(() => null);
    return {conversation, postActivity: function () { return {subscribe: function () {}}; }};
  }
  function renderWebChat(props, element) {
    element.innerHTML = '<div class="webchat__surface" role="complementary">' +
      '<div class="webchat__basic-transcript" role="log" aria-label="Chat-historik"></div>' +
      '<form class="webchat__send-box"><input class="webchat__send-box-text-box__input" type="text" ' +
      'aria-label="Besked" placeholder="Skriv din besked"><button class="webchat__send-button" type="submit" ' +
      'title="Send">Send</button></form></div>';
  }
  window.WebChat = {createDirectLine, renderWebChat, createStore: function () { return {}; }, version: '4.18.0'};
})();
