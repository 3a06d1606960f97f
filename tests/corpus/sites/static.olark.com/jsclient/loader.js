/* fake Olark loader (static.olark.com/jsclient/loader.js) */
(function () {
  var w = window, d = document, stub = w.olark;
  var queue = (stub && stub._ && stub._.s) || [];
  function olark() { queue.push([].slice.call(arguments)); }
  olark.identify = function () {}; olark.configure = function () {}; olark.extend = function () {};
  olark._ = {s: queue}; w.olark = olark;
  var wrap = d.createElement('div'); wrap.id = 'olark-wrapper';
  wrap.innerHTML = '<div id="olark-container" class="olark-hidden" aria-hidden="true"></div>' +
    '<button class="olark-launch-button" aria-label="Open Olark messenger" style="position:fixed;bottom:20px;right:20px">?</button>';
  d.body.appendChild(wrap);
})();
