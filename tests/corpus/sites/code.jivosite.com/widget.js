/* fake JivoChat widget (code.jivosite.com/widget/<id>) */
(function () {
  var w = window, d = document;
  w.jivo_version = '2.0.1';
  w.jivo_api = {open: function () {}, close: function () {}, setContactInfo: function () {}};
  var root = d.createElement('jdiv'); root.className = 'globalClass_ET';
  root.innerHTML = '<jdiv class="label_39" role="button" aria-label="Chat">💬</jdiv>';
  d.body.appendChild(root);
  fetch('https://node-fr.jivosite.com/widget/status?id=Qm7xT2pLkA').catch(function () {});
})();
