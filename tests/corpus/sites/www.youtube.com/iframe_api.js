/* fake YouTube IFrame Player API (www.youtube.com/iframe_api) */
(function () {
  var w = window, d = document;
  function Player(el, opts) {
    var node = typeof el === 'string' ? d.getElementById(el) : el;
    var f = d.createElement('iframe');
    f.id = node.id; f.width = opts.width || 640; f.height = opts.height || 360; f.title = 'YouTube video player';
    f.setAttribute('allow', 'accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share');
    f.src = 'https://www.youtube.com/embed/' + opts.videoId + '?enablejsapi=1&origin=' + encodeURIComponent(location.origin);
    node.parentNode.replaceChild(f, node);
    this.playVideo = function () {}; this.pauseVideo = function () {};
  }
  w.YT = {Player: Player, PlayerState: {ENDED: 0, PLAYING: 1, PAUSED: 2}, loaded: 1};
  if (typeof w.onYouTubeIframeAPIReady === 'function') w.onYouTubeIframeAPIReady();
})();
