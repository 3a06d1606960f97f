/* Fake of GTranslate's float.js: floating switcher that drives Google's translate element. */
(function () {
  var s = window.gtranslateSettings || {};
  var wrapper = document.querySelector(s.wrapper_selector || '.gtranslate_wrapper') || document.body;
  var langs = s.languages || ['en'];
  var links = langs.map(function (l) {
    return '<a href="#" class="nturl" data-gt-lang="' + l + '" title="' + l + '">' + l.toUpperCase() + '</a>';
  }).join('');
  var sw = document.createElement('div');
  sw.id = 'gt_float_wrapper';
  sw.innerHTML = '<div class="gt_float_switcher notranslate" style="position:fixed;bottom:15px;right:15px;background:#fff;' +
    'box-shadow:rgba(0,0,0,.15) 0 5px 15px"><div class="gt-selected"><div class="gt-current-lang">' +
    (s.default_language || 'no').toUpperCase() + '<span class="gt_float_switcher-arrow"></span></div></div>' +
    '<div class="gt_options" style="display:none">' + links + '</div></div>';
  wrapper.appendChild(sw);
  var el = document.createElement('div');
  el.id = 'google_translate_element2';
  el.style.display = 'none';
  document.body.appendChild(el);
  window.googleTranslateElementInit2 = function () {
    new google.translate.TranslateElement({pageLanguage: s.default_language || 'no', autoDisplay: false}, 'google_translate_element2');
  };
  var g = document.createElement('script');
  g.src = 'https://translate.google.com/translate_a/element.js?cb=googleTranslateElementInit2';
  document.body.appendChild(g);
})();
