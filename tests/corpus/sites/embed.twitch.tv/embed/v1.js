/* fake Twitch embed (embed.twitch.tv/embed/v1.js) */
(function () {
  var w = window, d = document;
  function Embed(id, opts) {
    var host = d.getElementById(id);
    var f = d.createElement('iframe');
    var parents = (opts.parent || [location.hostname]).map(function (p) { return 'parent=' + encodeURIComponent(p); }).join('&');
    f.src = 'https://embed.twitch.tv/?channel=' + encodeURIComponent(opts.channel || '') + '&layout=' + (opts.layout || 'video') + '&' + parents + '&referrer=' + encodeURIComponent(location.href);
    f.setAttribute('allowfullscreen', ''); f.setAttribute('scrolling', 'no'); f.setAttribute('frameborder', '0');
    f.width = opts.width || 854; f.height = opts.height || 480;
    host.appendChild(f);
    this.getPlayer = function () { return {play: function () {}}; }; this.addEventListener = function () {};
  }
  Embed.VIDEO_READY = 'video.ready';
  w.Twitch = w.Twitch || {}; w.Twitch.Embed = Embed;
})();
