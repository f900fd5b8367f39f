// Counters for `cargo xtask bench`, installed before either SDK loads: live event listeners
// (addEventListener/removeEventListener wrapped), WebSockets (constructor wrapped; `close()`
// calls noted), popups (window.open wrapped; `popupMode = 'blocked'` makes it return null).
(() => {
  const live = new Map(); // target → [{ type, fn, capture }]
  const capture = (o) => (typeof o === 'boolean' ? o : !!(o && o.capture));
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    if (fn && !(options && options.once)) {
      let list = live.get(this);
      if (!list) live.set(this, (list = []));
      const c = capture(options);
      if (!list.some((r) => r.type === type && r.fn === fn && r.capture === c)) list.push({ type, fn, capture: c });
    }
    return add.call(this, type, fn, options);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, options) {
    const list = live.get(this);
    if (list) {
      const c = capture(options);
      const i = list.findIndex((r) => r.type === type && r.fn === fn && r.capture === c);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) live.delete(this);
    }
    return remove.call(this, type, fn, options);
  };

  const sockets = [];
  const NativeWebSocket = window.WebSocket;
  class TrackedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.closeCalled = false;
      sockets.push(this);
    }
    close(...args) {
      this.closeCalled = true;
      return super.close(...args);
    }
  }
  window.WebSocket = TrackedWebSocket;

  const popups = [];
  const nativeOpen = window.open;
  window.popupMode = 'real';
  window.open = function (...args) {
    if (window.popupMode === 'blocked') return null;
    const popup = nativeOpen.apply(window, args);
    if (popup) popups.push(popup);
    return popup;
  };

  window.instrument = {
    reset() {
      sockets.length = 0;
      popups.length = 0;
    },
    counts() {
      let listeners = 0;
      let messageListeners = 0;
      for (const [target, list] of live) {
        listeners += list.length;
        if (target === window) messageListeners += list.filter((r) => r.type === 'message').length;
      }
      return {
        listeners,
        messageListeners,
        iframes: document.querySelectorAll('iframe').length,
        socketsCreated: sockets.length,
        socketsNotClosedBySdk: sockets.filter((s) => !s.closeCalled).length,
        socketsOpenOrConnecting: sockets.filter((s) => s.readyState < 2).length,
        popupsOpened: popups.length,
        popupsLeftOpen: popups.filter((p) => !p.closed).length,
      };
    },
  };
})();
