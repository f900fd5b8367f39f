// The browser half of the core's driver: the page APIs the Rust side (`browser/js.rs`) uses, in
// a handful of coarse calls. Every decision (URLs, messages, the OAuth state machine, timeouts,
// errors) stays in Rust; this file only performs them and reports what the page says.
//
// Each `show`, `flow`, `request` and `timer` gets one Rust callback `cb(kind, value, number)` and
// returns a handle whose `s()` releases everything it made (listeners, iframe, socket, timers,
// requests, popup). Nothing calls `cb` after `s()`, so the Rust guard can drop the callback right
// after. None of these throw: a failure is returned as a string (the exception's message).

/** An exception as text, as `js_error_text` did on the Rust side. */
const text = (e) =>
  typeof e?.message == "string" ? e.message : typeof e == "string" ? e : "a JavaScript exception";

/** How many Connect UIs the page shows, the number in the latest one's id, and the page's
 * `overflow-x` / `overflow-y` (value and priority) from before the first one. */
let shown = 0;
let latest = 0;
let saved = [];
const LONGHANDS = ["overflow-x", "overflow-y"];

/** Mounts the Connect UI iframe at `src` with its `message` listener (registered before the
 * iframe is in the page): only messages from `origin` whose source is this iframe's own window
 * reach `cb(0, data)`. The official SDK's id, `connect-ui`; one shown while others are open gets
 * `connect-ui-2`, `-3`, …, numbered until none is open. The page's scrolling is hidden, and
 * restored as it was when the last one goes. */
export function show(src, origin, cb) {
  const body = globalThis.document?.body;
  if (!body) return "no document.body";
  try {
    const frame = document.createElement("iframe");
    const number = shown ? latest + 1 : 1;
    for (const [name, value] of [
      ["src", src],
      ["id", number == 1 ? "connect-ui" : "connect-ui-" + number],
      ["title", "Nango Connect"],
      ["allow", "clipboard-write"],
      // `inset:0` is the JS SDK's `top`, `left`, `right` and `bottom` of 0.
      ["style", "position:fixed;z-index:9999;inset:0;width:100vw;height:100vh;border:none;background-color:transparent"],
    ])
      frame.setAttribute(name, value);
    const listener = (e) => {
      // Only the iframe's own window may speak for the Connect UI (the JS SDK does not check).
      if (e.origin === origin && e.source != null && e.source === frame.contentWindow) cb(0, e.data, 0);
    };
    addEventListener("message", listener);
    try {
      body.append(frame);
    } catch (e) {
      removeEventListener("message", listener);
      return text(e);
    }
    const style = body.style;
    if (!shown) saved = LONGHANDS.map((name) => [name, style.getPropertyValue(name), style.getPropertyPriority(name)]);
    shown++;
    latest = number;
    style.setProperty("overflow", "hidden");
    return {
      s() {
        removeEventListener("message", listener);
        frame.remove();
        if (!--shown) {
          // An empty value removes the declaration (CSSOM), as when there was none before.
          style.setProperty("overflow", "");
          for (const [name, value, priority] of saved) style.setProperty(name, value, priority);
        }
      },
      // Posted to the Connect UI's origin only (the JS SDK uses "*").
      p: (message) => frame.contentWindow?.postMessage(JSON.parse(message), origin),
      c: () => frame.isConnected,
    };
  } catch (e) {
    return text(e);
  }
}

/** Posts a JSON message (text) to a shown Connect UI. */
export function post(handle, message) {
  try {
    handle.p(message);
  } catch {}
}

/** Whether a shown Connect UI's iframe is still in the page. */
export const connected = (handle) => handle.c();

/** The screen's width (`0`) or height (`1`), for the popup's position. */
export const screen_size = (i) => (i ? globalThis.screen?.height : globalThis.screen?.width) || 0;

/** Opens the OAuth popup (blank, with `features`) and the socket at `url`, then reports:
 * `cb(0, message)` for each socket frame (parsed JSON, or undefined), `cb(1)` when the socket
 * closes or fails, `cb(2)` when the page is left, `cb(3 | 4, _, now)` every half second with
 * the popup open (3) or closed (4), and, with a `check` URL, `cb(5, body, status)` for Nango's
 * answer to `GET check` with the session token (a failed check reports nothing). Returns `null`
 * when the browser blocked the popup, the exception's text when the socket cannot be made (the
 * popup is closed again), else the handle; its `g(url)` navigates the popup and says whether it
 * is still open, its `c()` whether it reads closed. */
export function flow(features, url, check, token, cb) {
  let popup, socket;
  try {
    popup = open("", "_blank", features);
  } catch {}
  if (!popup || popup.closed) return null;
  try {
    socket = new WebSocket(url);
  } catch (e) {
    popup.close();
    return text(e);
  }
  let live = 1;
  const call = (kind, value, number) => live && cb(kind, value, number);
  const message = (e) => {
    let value;
    try {
      if (typeof e.data == "string") value = JSON.parse(e.data);
    } catch {}
    call(0, value, 0);
  };
  const ended = () => call(1, undefined, 0);
  const listen = (on) => {
    on.call(socket, "message", message);
    on.call(socket, "close", ended);
    on.call(socket, "error", ended);
  };
  listen(socket.addEventListener);
  // Leaving the page (or the host removing this page's iframe) must not leave the popup behind.
  const hidden = () => call(2, undefined, 0);
  addEventListener("pagehide", hidden);
  // How often the popup is looked at, as the JS SDK does.
  const poll = setInterval(() => call(popup.closed ? 4 : 3, undefined, Date.now()), 500);
  const abort = new AbortController();
  if (check)
    fetch(check, { headers: { Authorization: "Bearer " + token }, signal: abort.signal })
      .then((r) => r.text().then((body) => call(5, body, r.status)))
      .catch(() => {});
  return {
    s() {
      live = 0;
      listen(socket.removeEventListener);
      socket.close();
      clearInterval(poll);
      removeEventListener("pagehide", hidden);
      abort.abort();
      if (!popup.closed) popup.close();
    },
    g(url) {
      try {
        popup.location.href = url;
        return !popup.closed;
      } catch {
        return false;
      }
    },
    c: () => popup.closed,
  };
}

/** Navigates a flow's popup; whether it is still open after. */
export const go = (handle, url) => handle.g(url);

/** Whether a flow's popup reads closed. */
export const closed = (handle) => handle.c();

/** `fetch(url, init)` (`init` as JSON text) with an abort signal: `cb(0, body, status)` with the
 * answer's text, or `cb(1, why)` when there is none. */
export function request(url, init, cb) {
  const abort = new AbortController();
  let live = 1;
  // One call at most, the flag down before it.
  const call = (kind, value, number) => live && ((live = 0), cb(kind, value, number));
  try {
    init = JSON.parse(init);
    init.signal = abort.signal;
    fetch(url, init)
      .then((r) => r.text().then((body) => call(0, body, r.status)))
      .catch((e) => call(1, text(e), 0));
  } catch (e) {
    Promise.resolve().then(() => call(1, text(e), 0));
  }
  return {
    s() {
      live = 0;
      abort.abort();
    },
  };
}

/** `cb(0)` once, after `ms` milliseconds. */
export function timer(ms, cb) {
  const id = setTimeout(() => cb(0, undefined, 0), ms);
  return { s: () => clearTimeout(id) };
}

/** Releases what a `show`, `flow`, `request` or `timer` made. */
export const stop = (handle) => handle.s();

/** The URL Standard's parse of `input` against `base`, serialized; undefined if invalid. */
export function href(input, base) {
  try {
    return new URL(input, base).href;
  } catch {}
}

/** `JSON.parse(text)`, or undefined when it is not JSON. */
export function parse(text) {
  try {
    return JSON.parse(text);
  } catch {}
}

/** A field of a parsed JSON object (arrays count, as in JavaScript); undefined for anything
 * else, or a missing field. */
export const field = (value, key) => (value !== null && typeof value == "object" ? value[key] : undefined);

/** Wall-clock milliseconds. */
export const now = () => Date.now();

/** Logs to the console (debug mode). */
export const log = (message) => console.log("[nango] " + message);
