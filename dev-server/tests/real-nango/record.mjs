#!/usr/bin/env node
// Records what a real Nango server answers to the requests of `exchanges.mjs`, into
// `dev-server/tests/fixtures/real-nango/exchanges.json`, which `tests/real_nango_replay.rs`
// replays against the dev server in `cargo xtask test`.
//
//   NANGO_BOOT=<the shared real-nango boot script> NANGO_MIRROR=<git dir of a NangoHQ/nango mirror> \
//   NANGO_ROOT=<scratch dir outside any repository> [NANGO_PORT=3103] \
//     node dev-server/tests/real-nango/record.mjs
//
// or `cargo xtask real-nango record` with the same variables. The boot script builds Nango's
// open-source server from the mirror and starts it (it is the developer's, never copied here);
// CI needs neither: it only reads the committed fixture. With `NANGO_URL` + `NANGO_SECRET_KEY`
// (+ `NANGO_PUBLIC_KEY`, and `NANGO_COMMIT`) it records an already running server instead.
//
// Node 20+, no packages: HTTP with the built-in fetch, WebSocket with the small client below.
//
// The OAuth2 flow needs a provider the real server can reach, and it refuses loopback token
// URLs: as root, the recorder creates a network namespace with a veth pair (10.200.42.1 here,
// 10.200.42.2 inside), runs `provider.mjs` in it, registers it as provider
// `nango-rs-fake-oauth` (the boot script's NANGO_EXTRA_PROVIDERS) and removes it all at the end.
// RECORD_SKIP_OAUTH=1 records without the flow (and without root).

import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import crypto from 'node:crypto';

import { SETUP, EXCHANGES, DEV_SERVER_GOES_FURTHER, DIFFERS_ON_PURPOSE, PROVIDER_NAME } from './exchanges.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = process.env.RECORD_OUT || join(here, '..', 'fixtures', 'real-nango', 'exchanges.json');

function die(msg) {
    console.error(`record: ${msg}`);
    process.exit(1);
}

// ---------- the real server ----------

// ---------- the provider in its own network namespace ----------

const NS = 'nango-rs-rec';
const HOST_IF = 'nrsrec0';
const NS_IF = 'nrsrec1';
const HOST_ADDR = '10.200.42.1';
const NS_ADDR = '10.200.42.2';
const PROVIDER_PORT = 4500;
let providerProcess = null;

function ip(...args) {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function teardownProvider() {
    if (providerProcess) {
        providerProcess.kill('SIGTERM');
        providerProcess = null;
    }
    try {
        ip('netns', 'del', NS);
    } catch {}
    try {
        ip('link', 'del', HOST_IF);
    } catch {}
}

async function setupProvider() {
    if (process.getuid?.() !== 0) die('the OAuth2 flow needs root (a network namespace); run as root or set RECORD_SKIP_OAUTH=1');
    teardownProvider();
    ip('netns', 'add', NS);
    ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
    ip('link', 'set', NS_IF, 'netns', NS);
    ip('addr', 'add', `${HOST_ADDR}/30`, 'dev', HOST_IF);
    ip('link', 'set', HOST_IF, 'up');
    ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${NS_ADDR}/30`, 'dev', NS_IF);
    ip('netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up');
    ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
    providerProcess = spawn('ip', ['netns', 'exec', NS, process.execPath, join(here, 'provider.mjs'), NS_ADDR, String(PROVIDER_PORT)], { stdio: ['ignore', 'inherit', 'inherit'] });
    process.on('exit', teardownProvider);
    const base = `http://${NS_ADDR}:${PROVIDER_PORT}`;
    for (let i = 0; i < 50; i++) {
        try {
            await fetch(`${base}/health`);
            break;
        } catch {
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    const yaml = [
        `${PROVIDER_NAME}:`,
        '    display_name: nango-rs fake OAuth provider',
        '    categories:',
        '        - dev-tools',
        '    auth_mode: OAUTH2',
        `    authorization_url: ${base}/authorize`,
        `    token_url: ${base}/token`,
        '    docs: https://nango.dev/docs',
        ''
    ].join('\n');
    const file = join(process.env.NANGO_ROOT, 'nango-rs-extra-providers.yaml');
    writeFileSync(file, yaml);
    return file;
}

function boot(extraProviders) {
    if (process.env.NANGO_URL) {
        const url = process.env.NANGO_URL.replace(/\/$/, '');
        const secret = process.env.NANGO_SECRET_KEY || die('NANGO_URL needs NANGO_SECRET_KEY');
        const publicKey = process.env.NANGO_PUBLIC_KEY || die('NANGO_URL needs NANGO_PUBLIC_KEY');
        return { url, secret, publicKey, commit: process.env.NANGO_COMMIT || 'unknown', version: process.env.NANGO_VERSION || 'unknown' };
    }
    const script = process.env.NANGO_BOOT || die('set NANGO_BOOT to the real-nango boot script (or NANGO_URL to a running server)');
    const mirror = process.env.NANGO_MIRROR || die('set NANGO_MIRROR to the git dir of a NangoHQ/nango mirror');
    if (!process.env.NANGO_ROOT) die('set NANGO_ROOT to a scratch folder outside any git repository');
    // PUBLIC_AUTHENTICATION_DEPRECATION_DATE: the account of a fresh server is created now, after
    // Nango's public-key deprecation date (2025-08-25), so a valid public key gets 401
    // `deprecated_authentication`. The dev server's public key is the legacy mode of the accounts
    // created before that date: record what those get (the fixture says so in `setup`).
    // `restart`: the server takes its environment at start.
    const env = { ...process.env, NANGO_PORT: process.env.NANGO_PORT || '3103', PUBLIC_AUTHENTICATION_DEPRECATION_DATE: '2999-01-01' };
    if (extraProviders) env.NANGO_EXTRA_PROVIDERS = extraProviders;
    console.error(`record: (re)starting the real server (${script})`);
    const out = execFileSync(script, ['restart'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const info = Object.fromEntries(out.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const dbEnv = Object.fromEntries(
        execFileSync(script, ['env'], { env, encoding: 'utf8' })
            .split('\n')
            .filter((l) => l.includes('='))
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    );
    // The dev environment's legacy public key is not served by any public route: read it from the database.
    const publicKey = execFileSync(
        'psql',
        ['-h', dbEnv.NANGO_DB_HOST, '-p', dbEnv.NANGO_DB_PORT, '-U', dbEnv.NANGO_DB_USER, '-d', dbEnv.NANGO_DB_NAME, '-tA', '-c', "select public_key from _nango_environments where name='dev'"],
        { env: { ...process.env, PGPASSWORD: dbEnv.NANGO_DB_PASSWORD }, encoding: 'utf8' }
    ).trim();
    const ref = process.env.NANGO_REF || 'HEAD';
    const commit = execFileSync('git', ['--git-dir', mirror, 'rev-parse', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
    const date = execFileSync('git', ['--git-dir', mirror, 'show', '-s', '--format=%cI', commit], { encoding: 'utf8' }).trim();
    let version = 'unknown';
    try {
        // The server's own package says 1.0.0; its release number is the SDK's.
        version = JSON.parse(execFileSync('git', ['--git-dir', mirror, 'show', `${commit}:packages/node-client/package.json`], { encoding: 'utf8' })).version;
    } catch {}
    return { url: info.URL, secret: info.SECRET_KEY, publicKey, commit, date, version };
}

// ---------- a minimal WebSocket client (RFC 6455, text frames) ----------

class Socket {
    constructor(url) {
        this.messages = [];
        this.closed = null;
        this.buf = Buffer.alloc(0);
        this.waiters = [];
        this.ready = new Promise((resolve, reject) => {
            const key = crypto.randomBytes(16).toString('base64');
            const req = http.request(url.replace(/^ws/, 'http'), {
                headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key }
            });
            req.on('upgrade', (res, socket, head) => {
                this.socket = socket;
                socket.on('data', (d) => this.onData(d));
                socket.on('close', () => {
                    this.closed ??= 'closed';
                    this.wake();
                });
                socket.on('error', () => {});
                if (head.length) this.onData(head);
                resolve(this);
            });
            req.on('response', (res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
            req.on('error', reject);
            req.end();
        });
    }
    onData(d) {
        this.buf = Buffer.concat([this.buf, d]);
        for (;;) {
            if (this.buf.length < 2) return;
            const op = this.buf[0] & 0x0f;
            let len = this.buf[1] & 0x7f;
            let off = 2;
            if (len === 126) {
                if (this.buf.length < 4) return;
                len = this.buf.readUInt16BE(2);
                off = 4;
            } else if (len === 127) {
                if (this.buf.length < 10) return;
                len = Number(this.buf.readBigUInt64BE(2));
                off = 10;
            }
            if (this.buf.length < off + len) return;
            const payload = this.buf.subarray(off, off + len);
            this.buf = this.buf.subarray(off + len);
            if (op === 1) this.messages.push(payload.toString('utf8'));
            else if (op === 8) this.closed = payload.length >= 2 ? `close ${payload.readUInt16BE(0)}` : 'close';
            else if (op === 9) this.send(payload, 10);
            this.wake();
        }
    }
    wake() {
        for (const w of [...this.waiters]) w();
    }
    send(payload, op = 1) {
        const data = Buffer.from(payload);
        const mask = crypto.randomBytes(4);
        const head = data.length < 126 ? Buffer.from([0x80 | op, 0x80 | data.length]) : Buffer.from([0x80 | op, 0x80 | 126, data.length >> 8, data.length & 0xff]);
        const body = Buffer.from(data.map((b, i) => b ^ mask[i % 4]));
        this.socket.write(Buffer.concat([head, mask, body]));
    }
    /** The next message, or null after `ms` (or once the socket is closed). */
    next(ms) {
        return new Promise((resolve) => {
            let timer;
            const done = (v) => {
                clearTimeout(timer);
                this.waiters = this.waiters.filter((w) => w !== waiter);
                resolve(v);
            };
            const waiter = () => {
                if (this.messages.length) done(this.messages.shift());
                else if (this.closed) done(null);
            };
            if (this.messages.length) return resolve(this.messages.shift());
            if (this.closed) return resolve(null);
            timer = setTimeout(() => done(null), ms);
            this.waiters.push(waiter);
        });
    }
    close() {
        try {
            this.send(Buffer.from([0x03, 0xe8]), 8);
            this.socket.end();
        } catch {}
    }
}

// ---------- templates and normalization ----------

/** Replaces `{{name}}` in every string of `v`. */
function fill(v, vars) {
    if (typeof v === 'string') {
        return v.replace(/\{\{([a-z0-9_]+)\}\}/g, (m, name) => {
            if (!(name in vars)) die(`unknown variable {{${name}}}`);
            return vars[name];
        });
    }
    if (Array.isArray(v)) return v.map((x) => fill(x, vars));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)]));
    return v;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const SESSION = /^nango_connect_session_[0-9a-f]{16,}$/;
const TIME_KEYS = new Set(['created_at', 'updated_at', 'expires_at', 'created', 'last_fetched_at', 'deleted_at']);
/** Tokens a provider made up: any string. */
const TOKEN_KEYS = new Set(['access_token', 'refresh_token']);

/**
 * Volatile values become typed placeholders: `<uuid>`, `<timestamp>`, `<session_token>`,
 * `<origin>` (the server's own URL: the path is kept after it, e.g. `<origin>/images/x.svg`),
 * `<connect_ui_origin>`, `<int>` (numeric ids), `<string>` (a provider's tokens). Known secrets become `{{secret_key}}` /
 * `{{public_key}}`.
 */
function normalize(v, ctx, key) {
    if (typeof v === 'string') {
        if (v === ctx.secret) return '{{secret_key}}';
        if (v === ctx.publicKey) return '{{public_key}}';
        if (TOKEN_KEYS.has(key)) return '<string>';
        if (TIME_KEYS.has(key) && TIMESTAMP.test(v)) return '<timestamp>';
        if (TIMESTAMP.test(v)) return '<timestamp>';
        if (SESSION.test(v)) return '<session_token>';
        if (UUID.test(v)) return '<uuid>';
        if (v.startsWith(ctx.url)) return '<origin>' + v.slice(ctx.url.length).replace(/nango_connect_session_[0-9a-f]+/g, '<session_token>');
        if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(v) && !v.includes('://')) return v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
        if (/^https?:\/\/127\.0\.0\.1:\d+/.test(v)) return v.replace(/^https?:\/\/127\.0\.0\.1:\d+/, '<connect_ui_origin>').replace(/nango_connect_session_[0-9a-f]+/g, '<session_token>');
        return v;
    }
    if (typeof v === 'number' && key === 'id' && Number.isInteger(v)) return '<int>';
    if (Array.isArray(v)) return v.map((x) => normalize(x, ctx, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x, ctx, k)]));
    return v;
}

/** The `window.__nangoOAuthError = {...};` of Nango's auth page (null when it says success). */
function oauthErrorOfPage(html) {
    const m = /window\.__nangoOAuthError = (.*);\n/.exec(html);
    if (!m) return undefined;
    try {
        return JSON.parse(m[1]);
    } catch {
        return undefined;
    }
}

function pointer(v, p) {
    return p
        .split('/')
        .slice(1)
        .reduce((acc, k) => (acc == null ? undefined : acc[k]), v);
}

const KEPT_HEADERS = ['content-type', 'access-control-allow-origin', 'access-control-allow-credentials', 'location'];

/** A redirect's target: its origin and path as they are (`<origin>` for the server's own), the query's values `<string>` except those that name the protocol. */
function normalizeLocation(v, ctx) {
    const u = new URL(v, ctx.url);
    const base = (u.origin === new URL(ctx.url).origin ? '<origin>' : u.origin) + u.pathname;
    const kept = new Set(['response_type', 'code_challenge_method']);
    const q = [...u.searchParams].map(([k, x]) => `${k}=${kept.has(k) ? x : '<string>'}`).join('&');
    return q ? `${base}?${q}` : base;
}

function keptHeaders(headers, ctx) {
    const out = {};
    for (const h of KEPT_HEADERS) {
        const v = headers.get(h);
        if (v == null) continue;
        if (h === 'content-type') out[h] = v.split(';')[0].trim();
        else if (h === 'location') out[h] = normalizeLocation(v, ctx);
        else out[h] = normalize(v, ctx);
    }
    return out;
}

// ---------- one exchange ----------

async function runHttp(ex, ctx, vars) {
    const req = fill(ex.request, vars);
    const headers = { ...(req.headers || {}) };
    let body;
    if (req.body !== undefined) {
        body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const target = req.url || ctx.url + req.path + (req.query ? '?' + req.query : '');
    const res = await fetch(target, { method: req.method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const kept = keptHeaders(res.headers, ctx);
    const response = { status: res.status, headers: kept };
    let raw;
    if (text === '') {
        response.body_kind = 'empty';
    } else if ((kept['content-type'] || '').includes('json')) {
        raw = JSON.parse(text);
        response.body_kind = 'json';
        response.body = normalize(raw, ctx);
    } else if ((kept['content-type'] || '').includes('html')) {
        response.body_kind = 'html';
        const err = oauthErrorOfPage(text);
        // Only Nango's auth page is compared (its `window.__nangoOAuthError`); other HTML is free.
        if (err !== undefined) response.body = { nango_oauth_error: normalize(err, ctx) };
    } else {
        response.body_kind = 'text';
    }
    for (const [name, ptr] of Object.entries(ex.capture || {})) {
        const v = ptr === 'location' ? res.headers.get('location') : pointer(raw, ptr);
        if (v === undefined) die(`${ex.name}: nothing at ${ptr} to capture as ${name}: ${text.slice(0, 300)}`);
        vars[name] = String(v);
    }
    return { request: ex.request, response };
}

async function runExchange(ex, ctx, vars, sockets) {
    if (ex.provider) {
        // The user at the provider (not Nango: nothing to compare). The replay drives the dev
        // server's fake provider instead.
        const url = vars[ex.from] + (ex.provider === 'deny' ? '&decision=deny' : '');
        const res = await fetch(url, { redirect: 'manual' });
        const location = res.headers.get('location');
        if (!location) die(`${ex.name}: the provider did not redirect (${res.status})`);
        for (const name of Object.keys(ex.capture || {})) vars[name] = location;
        return { provider: ex.provider, from: ex.from };
    }
    if (ex.ws === 'open') {
        const s = await new Socket(ctx.ws + (ex.path || '')).ready;
        sockets[ex.socket] = s;
        const first = await s.next(3000);
        const msg = first == null ? null : JSON.parse(first);
        if (msg && ex.capture) for (const [name, ptr] of Object.entries(ex.capture)) vars[name] = String(pointer(msg, ptr));
        return { ws: 'open', socket: ex.socket, messages: msg == null ? [] : [normalize(msg, ctx)] };
    }
    if (ex.ws === 'expect') {
        const s = sockets[ex.socket] || die(`${ex.name}: no socket ${ex.socket}`);
        const got = [];
        const deadline = Date.now() + (ex.within_ms ?? 1500);
        for (;;) {
            const left = deadline - Date.now();
            if (left <= 0) break;
            const m = await s.next(left);
            if (m == null) break;
            const msg = JSON.parse(m);
            if (got.length === 0) for (const [name, ptr] of Object.entries(ex.capture || {})) vars[name] = String(pointer(msg, ptr));
            got.push(normalize(msg, ctx));
        }
        return { ws: 'expect', socket: ex.socket, within_ms: ex.within_ms ?? 1500, messages: got };
    }
    if (ex.ws === 'close') {
        sockets[ex.socket]?.close();
        return { ws: 'close', socket: ex.socket };
    }
    return runHttp(ex, ctx, vars);
}

// ---------- main ----------

const withOAuth = process.env.RECORD_SKIP_OAUTH !== '1' && !process.env.NANGO_URL;
const extraProviders = withOAuth ? await setupProvider() : undefined;
const server = boot(extraProviders);
const ctx = { ...server, ws: server.url.replace(/^http/, 'ws') };
const vars = { secret_key: server.secret, public_key: server.publicKey, now: new Date().toISOString() };
console.error(`record: ${ctx.url}, Nango ${server.version} (${server.commit})`);

// Setup (not replayed: the dev server gets the same integrations from its config): delete then
// create the integrations, which also removes the connections of an earlier run.
for (const integ of SETUP.integrations.filter((i) => withOAuth || i.provider !== PROVIDER_NAME)) {
    await fetch(`${ctx.url}/integrations/${integ.unique_key}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.secret}` } });
    const body = { unique_key: integ.unique_key, provider: integ.provider, ...(integ.credentials ? { credentials: integ.credentials } : {}) };
    const res = await fetch(`${ctx.url}/integrations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body)
    });
    if (res.status !== 200) die(`creating integration ${integ.unique_key}: ${res.status} ${await res.text()}`);
}

const sockets = {};
const recorded = [];
const names = new Set();
for (const ex of EXCHANGES.filter((e) => withOAuth || !e.oauth_flow)) {
    if (names.has(ex.name)) die(`duplicate exchange name ${ex.name}`);
    names.add(ex.name);
    const got = await runExchange(ex, ctx, vars, sockets);
    const entry = { name: ex.name, ...(ex.note ? { note: ex.note } : {}), ...got };
    if (ex.capture) entry.capture = ex.capture;
    if (ex.free) entry.free = ex.free;
    if (ex.expect_status !== undefined && got.response && got.response.status !== ex.expect_status) {
        console.error(`record: WARNING ${ex.name}: expected ${ex.expect_status}, real answered ${got.response.status}: ${JSON.stringify(got.response.body)}`);
    }
    recorded.push(entry);
    const summary = got.response ? `${got.response.status} ${JSON.stringify(got.response.body ?? got.response.body_kind).slice(0, 160)}` : `${got.ws} ${JSON.stringify(got.messages ?? '')}`;
    console.error(`  ${ex.name}: ${summary}`);
}
for (const s of Object.values(sockets)) s.close();
teardownProvider();

const fixture = {
    about:
        'What a real Nango server answered to these requests, recorded by dev-server/tests/real-nango/record.mjs; replayed against the dev server by dev-server/tests/real_nango_replay.rs. ' +
        'Placeholders: {{name}} in requests is a variable (secret_key, public_key, now: the current time, or a value captured from an earlier answer: capture maps a name to a JSON pointer of the answer); in answers <uuid>, <timestamp>, <session_token>, <int>, <string>, <origin> (the server\'s own URL) and <connect_ui_origin> stand for volatile values of that type. ' +
        'free lists JSON pointers (* = any array index) whose value may differ (same JSON type), absent:<pointer> a field the dev server may leave out, header:<name> a header that may differ; nango_oauth_error is the window.__nangoOAuthError of an HTML auth page.',
    nango: { version: server.version, commit: server.commit, commit_date: server.date, source: 'https://github.com/NangoHQ/nango' },
    setup: SETUP,
    dev_server_goes_further: DEV_SERVER_GOES_FURTHER,
    differs_on_purpose: DIFFERS_ON_PURPOSE,
    exchanges: recorded
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(fixture, null, 2) + '\n');
console.error(`record: ${recorded.length} exchanges written to ${OUT}`);
process.exit(0);
