/* fake Zendesk messaging bundle */
window.zEACLoaded = true;
