/* Fake of the CSE element module. */
window.__gcse.loaded = true;
