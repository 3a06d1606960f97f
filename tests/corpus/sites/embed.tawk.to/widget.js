/* fake Tawk.to widget (embed.tawk.to/<property>/<widget>) */
(function () {
  var w = window, d = document;
  var api = w.Tawk_API = w.Tawk_API || {};
  api.maximize = function () {}; api.minimize = function () {}; api.toggle = function () {};
  api.showWidget = function () {}; api.hideWidget = function () {}; api.isChatMaximized = function () { return false; };
  var box = d.createElement('div');
  box.id = 'k' + Math.random().toString(36).slice(2, 10); box.className = 'widget-visible';
  box.innerHTML = '<iframe src="about:blank" frameborder="0" scrolling="no" title="chat widget" ' +
    'style="position:fixed;bottom:20px;right:20px;width:64px;height:60px;border:0;z-index:1000001"></iframe>';
  d.body.appendChild(box);
  try { w.__tawkSocket = new WebSocket('wss://vsa71.tawk.to/s/?k=' + box.id + '&cver=0&pop=false&asver=0'); } catch (e) {}
  if (typeof api.onLoad === 'function') api.onLoad();
})();
