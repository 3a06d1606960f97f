/* fake giosg live client (service.giosg.com/live/) */
(function () {
  var w = window, d = document;
  var stub = w._giosg || function () {};
  w.giosgWebpackJsonp = w.giosgWebpackJsonp || [];
  w._giosg = function () { (w._giosg._e = w._giosg._e || []).push(arguments); };
  w._giosg._c = stub._c; w._giosg._h = stub._h; w._giosg._e = stub._e || [];
  var box = d.createElement('div');
  box.id = 'giosg_chat_button'; box.className = 'giosg-chat-button';
  box.innerHTML = '<button type="button">Chat</button>';
  d.body.appendChild(box);
  fetch('https://service.giosg.com/api/v5/public/orgs/' + (stub._c || '') + '/rooms').catch(function () {});
})();
