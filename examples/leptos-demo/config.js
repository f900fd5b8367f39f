// Written by `cargo xtask examples`; these defaults point at the local dev server.
window.NANGO_DEMO = {
  apiUrl: "http://127.0.0.1:3003",
  connectUiUrl: "http://127.0.0.1:3009",
  sessionUrl: "http://127.0.0.1:3003/demo/session",
  websocketsPath: "/",
};
