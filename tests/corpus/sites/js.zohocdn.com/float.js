/* fake Zoho SalesIQ float button (js.zohocdn.com/salesiq/js/floatbutton*.js) */
var $ZSIQChatWindow = $ZSIQChatWindow || (function () {
  var d = document;
  var f = d.createElement('div');
  f.className = 'zsiq_floatmain zsiq_theme1 siq_rht';
  f.innerHTML = '<div class="zsiq_flt_rel"><em class="siqico-chat"></em></div>';
  d.body.appendChild(f);
  return {getChatWindowDiv: function () { return f; }};
})();
