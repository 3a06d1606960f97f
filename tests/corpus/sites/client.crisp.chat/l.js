/* fake Crisp loader */
(function () {
  window.$__CRISP_INCLUDED = true;
  var c = document.createElement('div'); c.className = 'crisp-client';
  c.innerHTML = '<div id="crisp-chatbox" data-id="crisp-chatbox"></div>';
  document.body.appendChild(c);
})();
