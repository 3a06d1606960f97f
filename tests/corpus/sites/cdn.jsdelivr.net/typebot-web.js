/* fake @typebot.io/js web build (cdn.jsdelivr.net/npm/@typebot.io/js@0.3/dist/web.js), an ES module */
function start(props, tag) {
  var el = document.createElement(tag);
  document.body.appendChild(el);
  var host = props.apiHost || 'https://typebot.io';
  fetch(host + '/api/v1/typebots/' + props.typebot + '/startChat', {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({isStreamEnabled: true})}).catch(function () {});
  return el;
}
var Typebot = {
  initBubble: function (props) { return start(props, 'typebot-bubble'); },
  initStandard: function (props) { return start(props, 'typebot-standard'); },
  initPopup: function (props) { return start(props, 'typebot-popup'); },
  open: function () {}, close: function () {}, toggle: function () {}
};
window.Typebot = Typebot;
export default Typebot;
