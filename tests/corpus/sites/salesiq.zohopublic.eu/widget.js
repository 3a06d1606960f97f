/* fake Zoho SalesIQ widget loader (salesiq.zohopublic.eu/widget?wc=...) */
(function () {
  var w = window, d = document;
  var siq = w.$zoho.salesiq;
  siq.floatbutton = {visible: function () {}}; siq.chat = {start: function () {}};
  var s = d.createElement('script');
  s.src = 'https://js.zohocdn.com/salesiq/js/floatbutton1_7d0f3a2b9c8e1f4a5b6c7d8e9f0a1b2c_.js'; s.async = true;
  d.head.appendChild(s);
  if (typeof siq.ready === 'function') siq.ready();
})();
