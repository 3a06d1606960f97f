/* fake giscus client (giscus.app/client.js) */
(function () {
  var d = document, me = d.currentScript;
  var attr = function (n) { return me.getAttribute('data-' + n) || ''; };
  var lang = attr('lang') || 'en';
  var holder = d.querySelector('.giscus') || (function () { var x = d.createElement('div'); x.className = 'giscus'; me.parentNode.insertBefore(x, me); return x; })();
  var f = d.createElement('iframe');
  f.className = 'giscus-frame'; f.title = 'Comments'; f.setAttribute('scrolling', 'no'); f.style.cssText = 'width:100%;border:0;height:300px';
  f.src = 'https://giscus.app/' + lang + '/widget?origin=' + encodeURIComponent(location.href) + '&session=&theme=' + attr('theme') +
    '&reactionsEnabled=' + attr('reactions-enabled') + '&emitMetadata=0&inputPosition=' + attr('input-position') +
    '&repo=' + encodeURIComponent(attr('repo')) + '&repoId=' + attr('repo-id') + '&category=' + encodeURIComponent(attr('category')) +
    '&categoryId=' + attr('category-id') + '&strict=0&description=&backLink=' + encodeURIComponent(location.href) + '&term=' + encodeURIComponent(location.pathname);
  holder.appendChild(f);
})();
