// The measurements of `cargo xtask bench`, driven over WebDriver: each `bench.*` function
// returns a promise of plain JSON; the xtask starts one with `bench.start(name, args)` and polls
// `bench.poll()`. `NangoJs` is the official SDK (esbuild bundle of @nangohq/frontend).
(() => {
  const TOKEN = 'nango_connect_session_bench';
  const clock = () => performance.timeOrigin + performance.now();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const stats = (values) => {
    const s = Float64Array.from(values).sort();
    const at = (p) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : null);
    const sum = s.reduce((a, b) => a + b, 0);
    return { n: s.length, median: at(0.5), p99: at(0.99), mean: s.length ? sum / s.length : null, max: at(1) };
  };
  const gc = async () => {
    for (let i = 0; i < 4; i++) {
      window.gc();
      await sleep(20);
    }
  };
  const snapshot = async () => {
    await gc();
    return {
      ...window.instrument.counts(),
      heap: performance.memory.usedJSHeapSize,
      wasmMemory: window.wasmMemory.buffer.byteLength,
    };
  };

  // The stub's report for a run of `count` events (the JS SDK's own idle stub reports too).
  const waitReport = (count, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        window.removeEventListener('message', onMessage);
        reject(new Error('the stub sent no report in time'));
      }, timeoutMs);
      const onMessage = (event) => {
        if (event.data && event.data.type === 'bench_report' && event.data.sent.length === count) {
          clearTimeout(timer);
          window.removeEventListener('message', onMessage);
          resolve(event.data);
        }
      };
      window.addEventListener('message', onMessage);
    });

  // The Yew and Dioxus components are mounted once, on the first framework run's stub URL.
  let mounted = false;
  const mountFrameworks = async (base) => {
    if (!mounted) window.probe.mount_frameworks(base);
    mounted = true;
    for (let i = 0; i < 100 && !window.probe.frameworks_ready(); i++) await sleep(50);
    if (!window.probe.frameworks_ready()) throw new Error('the Yew, Dioxus and Leptos components did not render');
  };

  // One paired latency run. Our subject's Connect UI loads the stub, which posts the events;
  // the JS SDK's ConnectUI is open at the same time on the same origin (its own iframe is an
  // idle stub) and, as it checks only the origin, receives the very same messages. Both
  // listeners are on `window`; `jsFirst` says whose was added first (it runs first), and the
  // xtask alternates it between rounds.
  async function latency({ subject, stubOrigin, kinds, n, jsFirst }) {
    const base = `${stubOrigin}/${kinds.join(',')}/${n}/`;
    const framework = subject === 'yew' || subject === 'dioxus' || subject === 'leptos';
    if (framework) await mountFrameworks(base);
    window.probe.take_arrivals();
    window.probe.take_keyed();
    const jsArrivals = new Map(); // the stub's stamp → arrival in onEvent
    let jsUi = null;
    const openJs = () => {
      jsUi = new window.NangoJs({ connectSessionToken: TOKEN }).openConnectUI({
        baseURL: `${stubOrigin}/ready/0/`,
        onEvent: (event) => {
          const t = clock();
          jsArrivals.set(event.t, t);
        },
      });
    };
    const openOurs = async () => {
      const frames = document.querySelectorAll('iframe').length;
      const ok = {
        'core-callback': () => (window.probe.core_open(base, false), true),
        'core-stream': () => (window.probe.core_open(base, true), true),
        yew: () => window.probe.yew_ui(true),
        dioxus: () => window.probe.dioxus_ui(true),
        leptos: () => window.probe.leptos_ui(true),
      }[subject]();
      if (!ok) throw new Error(`${subject} could not open`);
      // Dioxus opens from its task: wait until the iframe (and its listener) exists.
      for (let i = 0; i < 200 && document.querySelectorAll('iframe').length === frames; i++) await sleep(5);
    };
    const report = waitReport(1 + kinds.length * n, kinds.length * n * 20 + 30000);
    if (jsFirst) {
      openJs();
      await openOurs();
    } else {
      await openOurs();
      openJs();
    }
    const { sent } = await report;
    await sleep(200);
    jsUi.close();
    if (subject.startsWith('core')) window.probe.core_close();
    if (subject === 'yew') window.probe.yew_ui(false);
    if (subject === 'dioxus') window.probe.dioxus_ui(false);
    if (subject === 'leptos') window.probe.leptos_ui(false);
    await sleep(100);
    let ours;
    if (framework) {
      const keyed = window.probe.take_keyed();
      ours = new Map();
      for (let i = 0; i + 1 < keyed.length; i += 2) if (!ours.has(keyed[i])) ours.set(keyed[i], keyed[i + 1]);
    } else {
      ours = new Map(Array.from(window.probe.take_arrivals()).map((t, i) => [i, t]));
    }
    const perKind = {};
    kinds.forEach((kind, k) => {
      const o = [];
      const j = [];
      for (let i = 1 + k * n; i <= (k + 1) * n; i++) {
        if (ours.has(i)) o.push(ours.get(i) - sent[i]);
        if (jsArrivals.has(sent[i])) j.push(jsArrivals.get(sent[i]) - sent[i]);
      }
      perKind[kind] = { ours: o, js: j };
    });
    return { subject, jsFirst, perKind };
  }

  // Open cost, JS and ours interleaved in blocks of 50 (so that drift hits both alike).
  async function openCost({ stubOrigin, n }) {
    const base = `${stubOrigin}/ready/1/`;
    const nango = new window.NangoJs({ connectSessionToken: TOKEN });
    const js = [];
    const ours = [];
    for (let done = 0; done < n; done += 50) {
      const block = Math.min(50, n - done);
      for (let i = 0; i < block; i++) {
        const start = clock();
        const ui = nango.openConnectUI({ baseURL: base });
        const end = clock();
        if (!document.getElementById('connect-ui')) throw new Error('openConnectUI put no iframe in the page');
        ui.close();
        js.push(end - start);
      }
      ours.push(...window.probe.open_cost(base, block));
      await sleep(20);
    }
    return { js: stats(js), ours: stats(ours) };
  }

  // One leak scenario: counts and heap before, `n` cycles, 1.5 s for timers (the JS SDK closes
  // popups 500 ms late), counts and heap after.
  async function leak({ name, stubOrigin, host, n }) {
    const base = `${stubOrigin}/ready/1/`;
    window.popupMode = name.includes('blocked') ? 'blocked' : 'real';
    window.instrument.reset();
    const before = await snapshot();
    let pending = 0;
    const nango = new window.NangoJs({ host, connectSessionToken: TOKEN });
    const track = (promise) => {
      pending++;
      promise.then(
        () => pending--,
        () => pending--,
      );
    };
    switch (name) {
      case 'ui-ours':
        window.probe.ui_cycles(base, n);
        break;
      case 'ui-js':
        for (let i = 0; i < n; i++) nango.openConnectUI({ baseURL: base }).close();
        break;
      case 'auth-blocked-ours':
        window.probe.auth_cycles(host, n);
        break;
      case 'auth-blocked-js':
        for (let i = 0; i < n; i++) track(nango.auth('github'));
        break;
      // Real popups are heavy for the browser: both sides run in batches of 50 with a pause that
      // lets the JS SDK's delayed closes (500 ms) happen.
      case 'auth-popup-ours':
        for (let done = 0; done < n; done += 50) {
          window.probe.auth_cycles(host, Math.min(50, n - done));
          await sleep(600);
        }
        break;
      case 'auth-popup-js':
        // The JS SDK has no cancel: each auth() supersedes the previous one (its popup and
        // socket are closed 500 ms later, its promise never settles); clear() ends the last.
        for (let done = 0; done < n; done += 50) {
          for (let i = done; i < Math.min(n, done + 50); i++) track(nango.auth('github'));
          await sleep(600);
        }
        nango.clear();
        break;
      default:
        throw new Error(`unknown scenario ${name}`);
    }
    await sleep(1500);
    const after = await snapshot();
    window.popupMode = 'real';
    return { name, before, after, pendingPromises: name.endsWith('-js') && name.startsWith('auth') ? pending : 0 };
  }

  let run = null;
  window.bench = {
    start(name, args) {
      const fn = { latency, openCost, leak }[name];
      run = { done: false };
      const current = run;
      Promise.resolve()
        .then(() => fn(args))
        .then(
          (result) => Object.assign(current, { done: true, result }),
          (error) => Object.assign(current, { done: true, error: String((error && error.stack) || error) }),
        );
    },
    poll() {
      return run;
    },
  };
})();
