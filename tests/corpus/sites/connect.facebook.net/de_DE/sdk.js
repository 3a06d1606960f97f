/* fake Facebook JavaScript SDK (connect.facebook.net/<locale>/sdk.js) */
(function () {
  var w = window, d = document;
  if (w.FB && w.FB.__fake) return;
  var me = d.currentScript ? d.currentScript.src : '';
  var version = ((me.match(/version=(v[0-9.]+)/) || [])[1]) || 'v19.0';
  var locale = ((me.match(/facebook\.net\/([a-z]{2}_[A-Z]{2})\//) || [])[1]) || 'en_US';
  var plugins = {'fb-page': 'page', 'fb-like': 'like', 'fb-post': 'post', 'fb-video': 'video',
                 'fb-comments': 'comments', 'fb-share-button': 'share_button', 'fb-customerchat': 'customerchat'};
  function parse(root) {
    Object.keys(plugins).forEach(function (cls) {
      (root || d).querySelectorAll('.' + cls + ':not([fb-xfbml-state])').forEach(function (el) {
        el.setAttribute('fb-xfbml-state', 'rendered');
        var href = el.getAttribute('data-href') || location.href;
        var f = d.createElement('iframe');
        f.name = 'f' + Math.random().toString(16).slice(2, 10);
        f.title = 'fb:' + plugins[cls] + ' Facebook Social Plugin';
        f.setAttribute('allow', 'encrypted-media'); f.style.border = '0';
        f.src = 'https://www.facebook.com/' + version + '/plugins/' + plugins[cls] + '.php?app_id=&channel=' +
          encodeURIComponent('https://staticxx.facebook.com/x/connect/xd_arbiter/') + '&href=' + encodeURIComponent(href) +
          '&locale=' + locale + (el.getAttribute('page_id') ? '&page_id=' + el.getAttribute('page_id') : '') + '&sdk=joey';
        var span = d.createElement('span'); span.appendChild(f);
        el.innerHTML = ''; el.appendChild(span);
      });
    });
  }
  w.FB = {__fake: true, init: function () {}, getLoginStatus: function (cb) { if (cb) cb({status: 'unknown'}); },
          XFBML: {parse: parse}, Event: {subscribe: function () {}}, CustomerChat: {show: function () {}, hide: function () {}}};
  if (typeof w.fbAsyncInit === 'function') { try { w.fbAsyncInit(); } catch (e) {} }
  parse(d);
})();
