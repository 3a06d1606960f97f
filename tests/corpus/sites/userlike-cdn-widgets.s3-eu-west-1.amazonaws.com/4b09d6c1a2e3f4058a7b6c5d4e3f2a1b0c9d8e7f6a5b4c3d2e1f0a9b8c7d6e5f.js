/* fake Userlike widget loader */
(function () {
  var w = window, d = document;
  w.__USERLIKE_MOUNT_GUARD__ = true;
  w.userlike = {userlikeStartChat: function () {}, userlikeQuitChat: function () {}};
  w.userlikeInit = function () {};
  var root = d.createElement('div'); root.id = 'userlike';
  root.innerHTML = '<button aria-label="Nachricht schreiben" style="position:fixed;bottom:20px;right:20px">…</button>';
  d.body.appendChild(root);
  fetch('https://api.userlike.com/api/tracking/widget/config?widget_key=4b09d6c1').catch(function () {});
})();
