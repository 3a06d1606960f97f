/* Vimeo Player SDK (fake of player.vimeo.com/api/player.js) */
(function () {
  var w = window, d = document;
  function Player(el, opts) {
    opts = opts || {};
    var node = typeof el === 'string' ? d.getElementById(el) : el;
    var frame = node.tagName === 'IFRAME' ? node : null;
    if (!frame) {
      var id = opts.id || node.getAttribute('data-vimeo-id');
      frame = d.createElement('iframe');
      frame.src = 'https://player.vimeo.com/video/' + id + '?h=&badge=0&autopause=0';
      frame.setAttribute('allow', 'autoplay; fullscreen; picture-in-picture'); frame.width = opts.width || 640; frame.height = 360;
      node.appendChild(frame);
    }
    this.element = frame;
    this.play = function () { return Promise.resolve(); }; this.pause = function () { return Promise.resolve(); };
    this.on = function () {};
  }
  w.Vimeo = w.Vimeo || {}; w.Vimeo.Player = Player;
})();
