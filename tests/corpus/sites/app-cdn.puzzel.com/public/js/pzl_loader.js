/* fake Puzzel module loader (app-cdn.puzzel.com/public/js/pzl_loader.js) */
(function () {
  var w = window, d = document;
  var me = d.getElementById('pzlModuleLoader');
  var customer = me ? me.getAttribute('data-customer-id') : '';
  w.pzl = {info: {status: 'started', customerId: customer},
           api: {showInteraction: function () {}, hideInteraction: function () {}, startChat: function () {}, on: function () {}}};
  fetch('https://api.puzzel.com/chat/v1/sessions?customerKey=' + customer, {method: 'POST', body: 'init'}).catch(function () {});
  var launcher = d.createElement('div'); launcher.id = 'pzl-chat-launcher'; launcher.className = 'pzl-launcher';
  launcher.innerHTML = '<button type="button" aria-label="Åpne samtale">💬</button>';
  d.body.appendChild(launcher);
})();
