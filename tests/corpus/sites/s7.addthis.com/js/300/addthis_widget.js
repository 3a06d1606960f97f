/* fake AddThis widget */
window.addthis = window.addthis || {init: function () {}, layers: {refresh: function () {}}};
