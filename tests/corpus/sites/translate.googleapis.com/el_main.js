/* Fake of the translate_http el_main module. */
window._korpusGoogleTranslateMain = true;
