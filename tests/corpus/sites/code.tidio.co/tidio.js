/* fake Tidio loader (code.tidio.co/<public key>.js) */
(function () {
  var w = window, d = document;
  w.tidioChatApi = {on: function () {}, open: function () {}, display: function () {}, setVisitorData: function () {}};
  var box = d.createElement('div'); box.id = 'tidio-chat';
  box.innerHTML = '<iframe id="tidio-chat-iframe" title="Tidio Chat" src="about:blank" style="position:fixed;bottom:0;right:0;width:94px;height:94px;border:0;z-index:999999999"></iframe>';
  d.body.appendChild(box);
  try { w.__tidioSocket = new WebSocket('wss://socket.tidio.co/socket.io/?ppk=xq3ob1fvcfbr8pzdw7oqv4gxu1yf3m1l&device=desktop&EIO=4&transport=websocket'); } catch (e) {}
  d.dispatchEvent(new Event('tidioChat-ready'));
})();
