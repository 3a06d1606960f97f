/* Fake of Yandex's website translation widget. */
(function () {
  var me = document.currentScript;
  var params = me ? new URL(me.src).searchParams : new URLSearchParams();
  var box = document.getElementById(params.get('widgetId') || 'ytWidget');
  if (box) {
    box.innerHTML = '<div id="yt-widget" class="yt-wrapper yt-wrapper_theme_' + (params.get('widgetTheme') || 'light') + '">' +
      '<div class="yt-button" role="button" tabindex="0" aria-label="Yandex.Translate"><span class="yt-button__text">' +
      (params.get('pageLang') || 'da').toUpperCase() + '</span></div></div>';
  }
  fetch('https://translate.yandex.net/api/v1/tr.json/getLangs?ui=' + (params.get('pageLang') || 'da') + '&srv=tr-url-widget')
    .catch(function () {});
})();
