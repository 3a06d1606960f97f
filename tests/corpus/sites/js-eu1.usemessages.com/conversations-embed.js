/* fake HubSpot conversations embed */
(function () {
  var w = window, d = document;
  var box = d.createElement('div'); box.id = 'hubspot-messages-iframe-container';
  box.className = 'widget-align-right';
  box.innerHTML = '<div class="shadow-container"></div><iframe title="Chat Widget" allowfullscreen ' +
    'src="https://app-eu1.hubspot.com/conversations-visitor/26123456/threads/utk/0a1b2c3d?uuid=5f0c&mobile=false&mobileSafari=false&hideWelcomeMessage=false&hstc=&domain=korpus-nettsjekk.no&inApp53=false&messagesUtk=0a1b2c3d&url=' +
    encodeURIComponent(location.href) + '&inline=false&isFullscreen=false&globalCookieOptOut=&isFirstVisitorSession=true&isAttachmentDisabled=false&enableWidgetCookieBanner=false&isInCMS=false&hideScrollToButton=true"></iframe>';
  d.body.appendChild(box);
  w.HubSpotConversations = {widget: {load: function () {}, open: function () {}, close: function () {}, remove: function () {},
    status: function () { return {loaded: true}; }, refresh: function () {}}, on: function () {}, off: function () {}, clear: function () {}};
  (w.hsConversationsOnReady || []).forEach(function (f) { try { f(); } catch (e) {} });
})();
