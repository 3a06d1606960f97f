/* fake AddToAny page.js */
(function () {
  var w = window, d = document;
  w.a2a = {init: function () {}, init_all: function () {}};
  w.a2a_config = w.a2a_config || {};
  var url = encodeURIComponent(location.href), title = encodeURIComponent(d.title);
  d.querySelectorAll('.a2a_kit a').forEach(function (a) {
    var m = (a.className.match(/a2a_button_([a-z_]+)/) || [])[1];
    if (m) a.href = 'https://www.addtoany.com/add_to/' + m + '?linkurl=' + url + '&linkname=' + title;
    if (a.classList.contains('a2a_dd')) a.href = 'https://www.addtoany.com/share#url=' + url;
  });
})();
