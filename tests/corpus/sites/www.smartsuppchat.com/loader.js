/* fake Smartsupp loader (www.smartsuppchat.com/loader.js?) */
(function () {
  var w = window, d = document, stub = w.smartsupp;
  var queue = (stub && stub._) || [];
  function smartsupp() { queue.push([].slice.call(arguments)); }
  smartsupp._ = queue; w.smartsupp = smartsupp;
  var box = d.createElement('div'); box.id = 'smartsupp-widget-container';
  box.innerHTML = '<div data-testid="widgetButtonFrame"><iframe title="Smartsupp widget button" src="about:blank" style="position:fixed;bottom:24px;right:24px;width:64px;height:64px;border:0"></iframe></div>';
  d.body.appendChild(box);
  fetch('https://bootstrap.smartsuppchat.com/widget/v3/config?key=' + ((w._smartsupp && w._smartsupp.key) || '')).catch(function () {});
})();
