/* Fake of Google's website translator loader (translate_a/element.js). */
(function () {
  var me = document.currentScript;
  var cb = me ? new URL(me.src, location.href).searchParams.get('cb') : null;
  var LANGS = [['', 'Velg språk'], ['en', 'engelsk'], ['de', 'tysk'], ['pl', 'polsk'], ['ar', 'arabisk'],
               ['so', 'somali'], ['uk', 'ukrainsk'], ['ti', 'tigrinja']];
  function load(tag, attrs) { var el = document.createElement(tag); for (var k in attrs) el.setAttribute(k, attrs[k]); document.head.appendChild(el); }
  load('link', {rel: 'stylesheet', type: 'text/css', href: 'https://translate.googleapis.com/translate_static/css/translateelement.css'});
  load('script', {src: 'https://translate.googleapis.com/_/translate_http/_/js/k=translate_http.tr.no.korpus.O/am=DgY/d=1/exm=el_conf/ed=1/rs=AN8SPfq1/m=el_main'});
  function TranslateElement(options, id) {
    var box = typeof id === 'string' ? document.getElementById(id) : id;
    if (!box) return;
    var opts = LANGS.map(function (l) { return '<option value="' + l[0] + '">' + l[1] + '</option>'; }).join('');
    box.innerHTML = '<div class="skiptranslate goog-te-gadget" dir="ltr"><div id=":0.targetLanguage">' +
      '<select class="goog-te-combo" aria-label="Språkwidget">' + opts + '</select></div>' +
      'Levert av <span style="white-space:nowrap"><a class="VIpgJd-ZVi9od-l4eHX-hSRGPd" href="https://translate.google.com">' +
      'Google</a> Oversetter</span></div>';
  }
  TranslateElement.InlineLayout = {VERTICAL: 0, HORIZONTAL: 1, SIMPLE: 2};
  TranslateElement.FloatPosition = {TOP_LEFT: 1, TOP_RIGHT: 2, BOTTOM_LEFT: 3, BOTTOM_RIGHT: 4};
  window.google = window.google || {};
  window.google.translate = window.google.translate || {};
  window.google.translate.TranslateElement = TranslateElement;
  if (cb && typeof window[cb] === 'function') setTimeout(function () { window[cb](); }, 0);
})();
