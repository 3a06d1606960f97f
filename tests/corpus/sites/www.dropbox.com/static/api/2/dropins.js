/* fake Dropbox Chooser/Saver (www.dropbox.com/static/api/2/dropins.js) */
(function () {
  var w = window, d = document, me = d.getElementById('dropboxjs');
  w.Dropbox = {appKey: me ? me.getAttribute('data-app-key') : null,
    choose: function () {}, save: function () {}, isBrowserSupported: function () { return true; },
    createChooseButton: function () { var b = d.createElement('a'); b.className = 'dropbox-dropin-btn dropbox-dropin-default'; b.textContent = 'Velg fra Dropbox'; return b; },
    createSaveButton: function () { var b = d.createElement('a'); b.className = 'dropbox-dropin-btn dropbox-dropin-default'; b.textContent = 'Lagre i Dropbox'; return b; }};
  d.querySelectorAll('a.dropbox-saver').forEach(function (a) { a.classList.add('dropbox-dropin-btn', 'dropbox-dropin-default'); });
})();
