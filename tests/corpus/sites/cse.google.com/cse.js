/* Fake of Google's Programmable Search element loader (cse.js). */
(function () {
  var me = document.currentScript;
  var cx = me ? new URL(me.src).searchParams.get('cx') : '';
  window.__gcse = window.__gcse || {};
  function render(div) {
    div.innerHTML = '<div id="___gcse_0"><div class="gsc-control-cse gsc-control-cse-no">' +
      '<div class="gsc-control-wrapper-cse" dir="ltr"><form class="gsc-search-box gsc-search-box-tools" accept-charset="utf-8">' +
      '<table class="gsc-search-box"><tbody><tr><td class="gsc-input"><input autocomplete="off" type="text" size="10" ' +
      'class="gsc-input" name="search" title="søk" aria-label="søk" id="gsc-i-id1"></td>' +
      '<td class="gsc-search-button"><button class="gsc-search-button gsc-search-button-v2" aria-label="søk">Søk</button></td>' +
      '</tr></tbody></table></form><div class="gcsc-branding">Google Tilpasset søk</div></div></div></div>';
  }
  window.google = window.google || {};
  window.google.search = window.google.search || {};
  window.google.search.cse = {
    element: {render: function () {}, go: function () {}, getElement: function () { return {execute: function () {}}; }},
    cx: cx
  };
  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = 'https://www.google.com/cse/static/element/f71e4ed980f4c082/default+no.css';
  document.head.appendChild(css);
  var el = document.createElement('script');
  el.src = 'https://www.google.com/cse/static/element/f71e4ed980f4c082/cse_element__no.js?usqp=CAM=';
  document.head.appendChild(el);
  var go = function () { document.querySelectorAll('.gcse-search, .gcse-searchbox').forEach(render); };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go); else go();
})();
