// Added to every probe's context before the page's own scripts: keeps a list of the closed shadow roots
// the page attaches, so collect.js can read inside them (a closed root is invisible from outside).
(() => {
  if (window.__nettsjekkClosedRoots) return;
  const roots = [];
  Object.defineProperty(window, '__nettsjekkClosedRoots', {value: roots, enumerable: false});
  const original = Element.prototype.attachShadow;
  if (typeof original !== 'function') return;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = original.call(this, init);
    if (init && init.mode === 'closed') roots.push(root);
    return root;
  };
})();
