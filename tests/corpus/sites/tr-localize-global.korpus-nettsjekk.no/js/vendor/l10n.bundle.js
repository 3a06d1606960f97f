/* Self-hosted build that bundles the Localize.js SDK (only window.Localize gives it away). */
!function(a){if(!a.Localize){a.Localize={};for(var e=["translate","untranslate","phrase","initialize","translatePage","setLanguage","getLanguage","getSourceLanguage","detectLanguage","getAvailableLanguages","untranslatePage","bootstrap","prefetch","on","off","hideWidget","showWidget"],t=0;t<e.length;t++)a.Localize[e[t]]=function(){}}}(window);
(function () {
  var current = 'en';
  Localize.initialize = function (options) { Localize._key = options && options.key; };
  Localize.setLanguage = function (lang) { current = lang; Localize.translatePage(); };
  Localize.getLanguage = function () { return current; };
})();
