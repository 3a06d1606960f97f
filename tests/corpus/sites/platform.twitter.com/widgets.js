/* fake X/Twitter widgets.js */
(function () {
  var w = window, d = document;
  function load(root) {
    (root || d).querySelectorAll('blockquote.twitter-tweet:not(.twitter-tweet-rendered)').forEach(function (bq, i) {
      var a = bq.querySelector('a[href*="/status/"]');
      var id = a ? (a.getAttribute('href').match(/status\/(\d+)/) || [])[1] : '';
      bq.classList.add('twitter-tweet-rendered'); bq.style.display = 'none';
      var f = d.createElement('iframe');
      f.id = 'twitter-widget-' + i; f.className = ''; f.title = 'X Post'; f.setAttribute('frameborder', '0'); f.setAttribute('scrolling', 'no');
      f.style.cssText = 'position:static;visibility:visible;width:550px;height:400px;display:block';
      f.src = 'https://platform.twitter.com/embed/Tweet.html?dnt=true&embedId=twitter-widget-' + i + '&frame=false&hideCard=false&hideThread=false&id=' + id + '&lang=en&theme=light&widgetsVersion=2615f7e52b7e0%3A1702314776716';
      bq.parentNode.insertBefore(f, bq.nextSibling);
    });
  }
  var t = w.twttr || {};
  t.widgets = {load: load, createTweet: function () { return Promise.resolve(); }};
  t.events = {bind: function () {}};
  w.twttr = t;
  (t._e || []).forEach(function (f) { try { f(t); } catch (e) {} });
  load(d);
})();
