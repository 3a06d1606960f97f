/* Fake of Voiceflow's web chat bundle: window.voiceflow.chat with load(), a #voiceflow-chat host element. */
(function () {
  function load(config) {
    const host = document.createElement('div');
    host.id = 'voiceflow-chat';
    host.style.cssText = 'position:fixed;right:1rem;bottom:1rem;z-index:2147483000';
    const root = host.attachShadow({mode: 'open'});
    root.innerHTML = '<div class="vfrc-widget"><button class="vfrc-launcher" aria-label="Chat öffnen" ' +
      'style="width:56px;height:56px;border-radius:28px;border:0;background:#3d82e2"></button></div>';
    document.body.appendChild(host);
    const user = 'vf-' + Math.random().toString(36).slice(2);
    return fetch(config.url + '/public/' + config.verify.projectID + '/state/user/' + user + '/interact', {
      method: 'POST', headers: {'Content-Type': 'application/json', 'versionID': config.versionID || 'production'},
      body: JSON.stringify({action: {type: 'launch'}})}).catch(() => null);
  }
  window.voiceflow = window.voiceflow || {};
  window.voiceflow.chat = {load, open() {}, close() {}, hide() {}, show() {}, interact() { return Promise.resolve(); }};
})();
