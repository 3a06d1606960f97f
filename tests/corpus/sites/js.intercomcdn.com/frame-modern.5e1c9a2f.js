/* fake Intercom messenger frame bundle */
window.__intercomFrameLoaded = true;
