// Installed in every frame before the page's own scripts: remembers the one-shot timers
// (setTimeout, requestIdleCallback) a page has scheduled and not yet run, so that settling can
// tell "nothing more is coming" from "a widget is due in 1.5 s". Intervals (polling) are not
// counted. Calls go straight through; only a due time is kept per pending timer.
(() => {
  if (Object.prototype.hasOwnProperty.call(window, '__nettsjekkTimers')) return;
  const HORIZON_MS = 60000;
  const pending = new Map();
  const now = () => performance.now();
  const nativeSet = window.setTimeout, nativeClear = window.clearTimeout, nativeClearInterval = window.clearInterval;
  const wrapSet = function setTimeout(handler, delay, ...rest) {
    const ms = Math.max(0, Number(delay) || 0);
    if (typeof handler !== 'function') return nativeSet.call(window, handler, delay, ...rest);
    let id;
    const run = function () { pending.delete(id); return handler.apply(this, arguments); };
    id = nativeSet.call(window, run, delay, ...rest);
    if (ms <= HORIZON_MS) pending.set(id, now() + ms);
    return id;
  };
  const wrapClear = function clearTimeout(id) { pending.delete(id); return nativeClear.call(window, id); };
  const wrapClearInterval = function clearInterval(id) { pending.delete(id); return nativeClearInterval.call(window, id); };
  const define = (name, value) => {
    try { Object.defineProperty(window, name, {value, writable: true, configurable: true, enumerable: true}); } catch (e) {}
  };
  define('setTimeout', wrapSet);
  define('clearTimeout', wrapClear);
  define('clearInterval', wrapClearInterval);
  if (typeof window.requestIdleCallback === 'function') {
    const nativeIdle = window.requestIdleCallback, nativeCancelIdle = window.cancelIdleCallback;
    const idle = new Map();
    define('requestIdleCallback', function requestIdleCallback(handler, options) {
      let id;
      const run = function () { idle.delete(id); return handler.apply(this, arguments); };
      id = nativeIdle.call(window, run, options);
      idle.set(id, now() + Math.min(Number(options && options.timeout) || 50, HORIZON_MS));
      return id;
    });
    define('cancelIdleCallback', function cancelIdleCallback(id) { idle.delete(id); return nativeCancelIdle.call(window, id); });
    pending.idle = idle;
  }
  Object.defineProperty(window, '__nettsjekkTimers', {
    enumerable: false,
    value: {
      // Milliseconds until the next pending one-shot timer is due (0 when overdue), -1 when none.
      next() {
        let soonest = Infinity;
        for (const due of pending.values()) soonest = Math.min(soonest, due);
        if (pending.idle) for (const due of pending.idle.values()) soonest = Math.min(soonest, due);
        return soonest === Infinity ? -1 : Math.max(0, soonest - now());
      },
    },
  });
})();
