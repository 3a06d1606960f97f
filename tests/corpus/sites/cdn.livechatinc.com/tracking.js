/* fake LiveChat tracking.js */
(function () {
  var w = window, d = document, lc = w.__lc || {};
  var widget = w.LiveChatWidget || {};
  widget._h = function () {};
  widget.call = function () {}; widget.on = function () {}; widget.get = function () { return {}; };
  w.LiveChatWidget = widget;
  w.LC_API = {open_chat_window: function () {}, minimize_chat_window: function () {}};
  fetch('https://api.livechatinc.com/v3.5/customer/action/get_dynamic_configuration?license_id=' + (lc.license || '') + '&client_id=c5e4f61e1a6c3b1521b541bc5c5a2ac5').catch(function () {});
  var box = d.createElement('div'); box.id = 'chat-widget-container';
  box.style.cssText = 'position:fixed;bottom:0;right:15px;width:84px;height:84px;z-index:2147483639';
  box.innerHTML = '<iframe id="chat-widget-minimized" name="chat-widget-minimized" title="LiveChat chat widget" src="about:blank" style="border:0;width:84px;height:84px"></iframe>' +
    '<iframe id="chat-widget" name="chat-widget" title="LiveChat chat widget" style="display:none" ' +
    'src="https://secure.livechatinc.com/customer/action/open_chat?license_id=' + (lc.license || '') + '&group=0&unique_groups=0"></iframe>';
  d.body.appendChild(box);
})();
