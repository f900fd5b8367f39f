// The requests `record.mjs` sends to a real Nango (and `tests/real_nango_replay.rs` replays,
// from the recorded fixture, against the dev server). Runs in order: later exchanges use what
// earlier ones captured (`capture: {name: '/json/pointer'}` → `{{name}}`).
//
// `free`: JSON pointers (`*` = any array index) of the answer whose value may differ between
// the real server and the dev server (the type must still match): texts meant for humans that
// the dev server words on its own, and catalog data.

const json = { 'content-type': 'application/json' };
const secret = { authorization: 'Bearer {{secret_key}}', ...json };
const session = (v = 'session') => ({ authorization: `Bearer {{${v}}}`, ...json });
const WELL_FORMED_UNKNOWN = 'nango_connect_session_' + '0'.repeat(64);
const END_USER = { id: 'u1', email: 'u1@example.com', display_name: 'User One' };
/** The OAuth2 provider `record.mjs` runs in a network namespace (`provider.mjs`). */
export const PROVIDER_NAME = 'nango-rs-fake-oauth';

/** Integrations created on the real server before recording; the replay configures the dev server with the same (plus `dev_server`: fields of its integration config, e.g. the provider's credential fields it serves). */
export const SETUP = {
    public_key: 'the legacy public key of an account created before Nango\'s public-key deprecation date (recorded with PUBLIC_AUTHENTICATION_DEPRECATION_DATE=2999-01-01; an account created later gets 401 deprecated_authentication for a valid public key)',
    integrations: [
        { unique_key: 'github-dev', provider: 'github', auth_mode: 'OAUTH2', credentials: { type: 'OAUTH2', client_id: 'dev-client-id', client_secret: 'dev-client-secret', scopes: 'repo' } },
        { unique_key: 'api-key-dev', provider: 'private-api-bearer', auth_mode: 'API_KEY', dev_server: { credentials: { apiKey: { type: 'string', title: 'API Key', description: 'Your API Key' } } } },
        { unique_key: 'api-key-other', provider: 'private-api-bearer', auth_mode: 'API_KEY', dev_server: { credentials: { apiKey: { type: 'string', title: 'API Key', description: 'Your API Key' } } } },
        { unique_key: 'basic-dev', provider: 'private-api-basic', auth_mode: 'BASIC', dev_server: { credentials: { username: { type: 'string', title: 'Username', description: 'Your username' }, password: { type: 'string', title: 'Password', description: 'Your password' } } } },
        { unique_key: 'unauthenticated-dev', provider: 'unauthenticated', auth_mode: 'NONE' },
        { unique_key: 'fake-oauth-dev', provider: PROVIDER_NAME, auth_mode: 'OAUTH2', credentials: { type: 'OAUTH2', client_id: 'dev-client-id', client_secret: 'dev-client-secret', scopes: 'read' }, dev_server: { scopes: ['read'] } }
    ]
};

/** What the dev server serves beyond real Nango: not recorded (real Nango has no such thing), tested by the dev server's own tests. */
export const DEV_SERVER_GOES_FURTHER = [
    { what: 'the fake OAuth2 provider: GET/POST /fake-oauth/authorize, POST /fake-oauth/token', why: 'it plays the third-party provider (GitHub, ...), not Nango; /oauth/connect redirects to it instead of the provider, so the Location of that 302 is free', tests: 'tests/oauth_flow.rs' },
    { what: 'POST /demo/session', why: 'a dev-only helper so that the demo pages mint a session without a backend; real Nango has no such route', tests: 'tests/http_api.rs, tests/hardening.rs' },
    { what: 'POST /dev/faults, GET /dev/telemetry (with fault_routes)', why: 'fault injection and telemetry inspection for the E2E tests', tests: 'tests/http_api.rs, tests/scenarios.rs of the E2E suite' },
    { what: 'the WebSocket Origin check, idle and lifetime closes, socket caps', why: 'hardening of a dev server that binds a developer machine; real Nango accepts any origin and never closes first', tests: 'tests/hardening.rs' },
    { what: 'the consent step of the OAuth2 flow', why: 'the provider is not Nango: the recording uses provider.mjs in a network namespace (it approves or denies at once), the replay the dev server\'s fake provider (its consent form); the exchanges around it (authorize redirect, callback, WebSocket) are compared', tests: 'tests/oauth_flow.rs' },
    { what: 'auth webhooks', why: 'real Nango needs a reachable webhook URL and sends them from its jobs', tests: 'tests/credentials.rs, tests/node_sdk.rs' },
    { what: 'JWT, TBA, two-step, signature, AWS SigV4, Bill, OAuth2 CC and outbound credential routes', why: 'their providers make real network calls (connection tests) from the real server; only their shapes are followed', tests: 'tests/credentials.rs' }
];

/** Where the dev server answers otherwise on purpose (the replay's `free` entries point here). */
export const DIFFERS_ON_PURPOSE = [
    { what: 'texts for humans: error messages marked free (the codes, fields and zod 4 validation messages are compared)', why: 'Nango words some errors with internal details (ids of its log, its own typos); clients must read codes' },
    { what: 'connect_link also carries apiURL', why: 'the dev server\'s API listens on any port; its Connect UI learns it from the link' },
    { what: 'the Location of /oauth/connect\'s 302 (origin and path)', why: 'the dev server sends the browser to its fake provider, not the provider\'s site; the query is compared' },
    { what: 'invalid_json answers carry Access-Control-Allow-Origin: *', why: 'real Nango parses JSON before its CORS middleware runs; the dev server sends CORS on every answer' },
    { what: 'GET /providers lists the providers of the configured integrations only, without proxy', why: 'the dev server is no provider catalog (real Nango lists its whole providers.yaml)' },
    { what: 'a valid public key is accepted', why: 'the legacy mode of accounts created before Nango\'s public-key deprecation (2025-08-25); newer accounts get 401 deprecated_authentication from real Nango' },
    { what: 'POST /connection/{id}/metadata without Provider-Config-Key answers 400 missing_provider_config_key', why: 'real Nango answers 500 generic_error_support (not recorded: a crash is nothing to copy)' },
    { what: 'an unknown route answers 404 not_found', why: 'real Nango answers 500 generic_error_support with the secret key (not recorded)' },
    { what: 'the error page\'s message for a provider\'s error (the dev server words it as its socket message)', why: 'real Nango puts the provider\'s query parameters as JSON there; the page\'s errorType and the socket message are compared' }
];

const MSG = ['/error/message'];
// The dev server's Connect UI link also carries `apiURL` (its API listens on any port), so the
// link is free; the session token in it is checked by the other exchanges.
const LINK = ['/data/connect_link'];
const ZOD_MSG = ['/error/errors/*/message'];

export const EXCHANGES = [
    // ---------- connect sessions (secret key) ----------
    { name: 'sessions: created', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: END_USER, organization: { id: 'org1', display_name: 'Org One' } } }, free: LINK, capture: { session: '/data/token' } },
    { name: 'sessions: second session, allowed_integrations [api-key-dev]', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: 'u2' }, allowed_integrations: ['api-key-dev'] } }, free: LINK, capture: { session_api_key_only: '/data/token' } },
    { name: 'sessions: session for the basic and OAuth routes', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: 'u3' } } }, free: LINK, capture: { session_b: '/data/token' } },
    { name: 'sessions: session to delete', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: 'u4' } } }, free: LINK, capture: { session_deleted: '/data/token' } },
    { name: 'sessions: no Authorization header', request: { method: 'POST', path: '/connect/sessions', headers: json, body: { end_user: { id: 'u1' } } }, free: MSG },
    { name: 'sessions: Authorization not Bearer', request: { method: 'POST', path: '/connect/sessions', headers: { authorization: 'Basic abc', ...json }, body: { end_user: { id: 'u1' } } }, free: MSG },
    { name: 'sessions: unknown secret key', request: { method: 'POST', path: '/connect/sessions', headers: { authorization: 'Bearer 9a1f2c3d-1111-4222-8333-444455556666', ...json }, body: { end_user: { id: 'u1' } } }, free: MSG },
    { name: 'sessions: secret key not a UUID', request: { method: 'POST', path: '/connect/sessions', headers: { authorization: 'Bearer not-a-key', ...json }, body: { end_user: { id: 'u1' } } }, free: MSG },
    { name: 'sessions: empty end_user.id and an unknown key', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: '' }, x: 1 } } },
    { name: 'sessions: end_user.id a number', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: 5 } } } },
    { name: 'sessions: bad email', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: 'u1', email: 'not-an-email' } } } },
    { name: 'sessions: body not an object', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: '[1]' } },
    { name: 'sessions: malformed JSON', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: '{"end_user":' }, free: [...MSG, 'header:access-control-allow-origin'], note: 'real Nango parses JSON before its CORS middleware runs, so this error has no CORS header; the dev server sends * on every answer' },
    { name: 'sessions: unknown allowed_integrations entry', request: { method: 'POST', path: '/connect/sessions', headers: secret, body: { end_user: { id: 'u1' }, allowed_integrations: ['nope-dev'] } } },
    { name: 'sessions: text/plain content type', request: { method: 'POST', path: '/connect/sessions', headers: { authorization: 'Bearer {{secret_key}}', 'content-type': 'text/plain' }, body: '{}' }, free: MSG },
    { name: 'sessions: a query string', request: { method: 'POST', path: '/connect/sessions', query: 'a=1', headers: secret, body: { end_user: { id: 'u1' } } } },
    { name: 'sessions: preflight', request: { method: 'OPTIONS', path: '/connect/sessions', headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } } },

    // ---------- the session itself (session token) ----------
    { name: 'session: read', request: { method: 'GET', path: '/connect/session', headers: session() }, free: ['/data/connectUISettings/*'] },
    { name: 'session: read, allowed_integrations', request: { method: 'GET', path: '/connect/session', headers: session('session_api_key_only') }, free: ['/data/connectUISettings/*'] },
    { name: 'session: token of a bad format', request: { method: 'GET', path: '/connect/session', headers: { authorization: 'Bearer bad', ...json } }, free: MSG },
    { name: 'session: unknown well-formed token', request: { method: 'GET', path: '/connect/session', headers: { authorization: `Bearer ${WELL_FORMED_UNKNOWN}`, ...json } }, free: MSG },
    { name: 'session: the secret key instead of a token', request: { method: 'GET', path: '/connect/session', headers: secret }, free: MSG },
    { name: 'session: no Authorization header', request: { method: 'GET', path: '/connect/session', headers: json }, free: MSG },
    { name: 'session: a query string', request: { method: 'GET', path: '/connect/session', query: 'x=1', headers: session() } },
    { name: 'session: delete', request: { method: 'DELETE', path: '/connect/session', headers: session('session_deleted') } },
    { name: 'session: read after delete', request: { method: 'GET', path: '/connect/session', headers: session('session_deleted') }, free: MSG },
    { name: 'session: delete again', request: { method: 'DELETE', path: '/connect/session', headers: session('session_deleted') }, free: MSG },

    // ---------- catalog (session token or secret key) ----------
    { name: 'integrations: list with a session token', request: { method: 'GET', path: '/integrations', headers: session() }, free: ['/data/*/display_name'] },
    { name: 'integrations: list with a session limited to api-key-dev', request: { method: 'GET', path: '/integrations', headers: session('session_api_key_only') }, free: ['/data/*/display_name'] },
    { name: 'integrations: list with the secret key', request: { method: 'GET', path: '/integrations', headers: secret }, free: ['/data/*/display_name'] },
    { name: 'integrations: list without auth', request: { method: 'GET', path: '/integrations', headers: json }, free: MSG },
    { name: 'integrations: one', request: { method: 'GET', path: '/integrations/api-key-dev', headers: secret }, free: ['/data/display_name'] },
    { name: 'integrations: one with include', request: { method: 'GET', path: '/integrations/github-dev', query: 'include=webhook&include=credentials', headers: secret }, free: ['/data/display_name', '/data/credentials/client_id', '/data/credentials/client_secret', '/data/credentials/scopes', '/data/webhook_url'] },
    { name: 'integrations: unknown', request: { method: 'GET', path: '/integrations/nope-dev', headers: secret }, free: MSG },
    { name: 'integrations: one with a session token', request: { method: 'GET', path: '/integrations/api-key-dev', headers: session() }, free: MSG },
    { name: 'integrations: bad include', request: { method: 'GET', path: '/integrations/api-key-dev', query: 'include=everything', headers: secret } },
    { name: 'providers: one', request: { method: 'GET', path: '/providers/private-api-bearer', headers: session() }, free: ['/data/display_name', '/data/docs', '/data/docs_connect', '/data/categories', '/data/logo_url', 'absent:/data/proxy'], note: 'proxy is catalog data for Nango\'s proxy, which the dev server does not serve' },
    { name: 'providers: search', request: { method: 'GET', path: '/providers', query: 'search=private-api-bas', headers: session() }, free: ['/data/*/display_name', '/data/*/docs', '/data/*/docs_connect', '/data/*/categories', '/data/*/logo_url', 'absent:/data/*/proxy'] },
    { name: 'providers: unknown', request: { method: 'GET', path: '/providers/nope-provider', headers: session() }, free: MSG },
    { name: 'providers: without auth', request: { method: 'GET', path: '/providers/private-api-bearer', headers: json }, free: MSG },

    // ---------- API key credentials ----------
    { name: 'api-key: created with a session', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session}}', body: { apiKey: 'dev-key-ok' } }, capture: { api_key_connection: '/connectionId' } },
    { name: 'api-key: created with the public key and a connection id', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'public_key={{public_key}}&connection_id=conn-public-1', body: { apiKey: 'dev-key-ok' } } },
    { name: 'api-key: no body', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session}}', headers: json } },
    { name: 'api-key: empty apiKey and an unknown key', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session}}', body: { apiKey: '', extra: true } } },
    { name: 'api-key: apiKey a number', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session}}', body: { apiKey: 42 } } },
    { name: 'api-key: text/plain content type', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session}}', headers: { 'content-type': 'text/plain' }, body: '{"apiKey":"x"}' }, free: MSG },
    { name: 'api-key: no token or key', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: token of a bad format', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token=bad', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: unknown well-formed token', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: `connect_session_token=${WELL_FORMED_UNKNOWN}`, body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: deleted session token', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session_deleted}}', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: public key not a UUID', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'public_key=abc', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: unknown public key', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'public_key=9a1f2c3d-1111-4222-8333-444455556666', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: connection_id with a session token', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session}}&connection_id=abc', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: bad connection_id with the public key', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'public_key={{public_key}}&connection_id=a%00b', body: { apiKey: 'dev-key-ok' } } },
    { name: 'api-key: unknown integration', request: { method: 'POST', path: '/api-auth/api-key/nope-dev', query: 'connect_session_token={{session}}', body: { apiKey: 'dev-key-ok' } } },
    { name: 'api-key: integration of another auth mode', request: { method: 'POST', path: '/api-auth/api-key/basic-dev', query: 'connect_session_token={{session}}', body: { apiKey: 'dev-key-ok' } } },
    { name: 'api-key: integration not allowed by the session', request: { method: 'POST', path: '/api-auth/api-key/api-key-other', query: 'connect_session_token={{session_api_key_only}}', body: { apiKey: 'dev-key-ok' } }, free: MSG },
    { name: 'api-key: allowed integration', request: { method: 'POST', path: '/api-auth/api-key/api-key-dev', query: 'connect_session_token={{session_api_key_only}}', body: { apiKey: 'dev-key-ok' } } },

    // ---------- basic credentials ----------
    { name: 'basic: created', request: { method: 'POST', path: '/api-auth/basic/basic-dev', query: 'connect_session_token={{session_b}}', body: { username: 'dev-user', password: 'dev-password' } }, capture: { basic_connection: '/connectionId' } },
    { name: 'basic: password missing', request: { method: 'POST', path: '/api-auth/basic/basic-dev', query: 'connect_session_token={{session_b}}', body: { username: 'dev-user' } } },
    { name: 'basic: empty object', request: { method: 'POST', path: '/api-auth/basic/basic-dev', query: 'connect_session_token={{session_b}}', body: {} } },
    { name: 'basic: unknown key', request: { method: 'POST', path: '/api-auth/basic/basic-dev', query: 'connect_session_token={{session_b}}', body: { username: 'u', password: 'p', apiKey: 'x' } } },
    { name: 'basic: integration of another auth mode', request: { method: 'POST', path: '/api-auth/basic/api-key-dev', query: 'connect_session_token={{session_b}}', body: { username: 'u', password: 'p' } } },
    { name: 'basic: unknown integration', request: { method: 'POST', path: '/api-auth/basic/nope-dev', query: 'connect_session_token={{session_b}}', body: { username: 'u', password: 'p' } } },

    // ---------- unauthenticated ----------
    { name: 'unauthenticated: created', request: { method: 'POST', path: '/auth/unauthenticated/unauthenticated-dev', query: 'connect_session_token={{session_b}}', headers: json } },
    { name: 'unauthenticated: with the public key', request: { method: 'POST', path: '/auth/unauthenticated/unauthenticated-dev', query: 'public_key={{public_key}}&connection_id=conn-public-2', headers: json } },
    { name: 'unauthenticated: a body', request: { method: 'POST', path: '/auth/unauthenticated/unauthenticated-dev', query: 'connect_session_token={{session_b}}', body: { a: 1 } } },

    // ---------- /oauth/connect and the WebSocket ----------
    { name: 'ws: ack for socket 1', ws: 'open', socket: 'ws1', capture: { ws1: '/ws_client_id' } },
    { name: 'oauth: connect with a token of a bad format', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'connect_session_token=bad&ws_client_id={{ws1}}' }, free: MSG },
    { name: 'oauth: connect with an unknown well-formed token', request: { method: 'GET', path: '/oauth/connect/github-dev', query: `connect_session_token=${WELL_FORMED_UNKNOWN}&ws_client_id={{ws1}}` }, free: MSG },
    { name: 'oauth: connect with a deleted session token', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'connect_session_token={{session_deleted}}&ws_client_id={{ws1}}' }, free: MSG },
    { name: 'oauth: connect without token or key', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'ws_client_id={{ws1}}' }, free: MSG },
    { name: 'oauth: connect with an unknown public key', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'public_key=9a1f2c3d-1111-4222-8333-444455556666&ws_client_id={{ws1}}' }, free: MSG },
    { name: 'ws: nothing on socket 1 after the refused starts', ws: 'expect', socket: 'ws1', within_ms: 1500 },
    { name: 'oauth: connect, integration of another auth mode', request: { method: 'GET', path: '/oauth/connect/api-key-dev', query: 'connect_session_token={{session_b}}&ws_client_id={{ws1}}' }, free: ['/nango_oauth_error/message'] },
    { name: 'ws: the error on socket 1', ws: 'expect', socket: 'ws1', within_ms: 1500, free: ['/error_desc'] },
    { name: 'oauth: connect, unknown integration, same socket', request: { method: 'GET', path: '/oauth/connect/nope-dev', query: 'connect_session_token={{session_b}}&ws_client_id={{ws1}}' }, free: ['/nango_oauth_error/message'] },
    { name: 'ws: nothing more on socket 1 (one message per ws_client_id)', ws: 'expect', socket: 'ws1', within_ms: 1500 },
    { name: 'ws: ack for socket 2', ws: 'open', socket: 'ws2', capture: { ws2: '/ws_client_id' } },
    { name: 'oauth: connect, unknown integration', request: { method: 'GET', path: '/oauth/connect/nope-dev', query: 'connect_session_token={{session_b}}&ws_client_id={{ws2}}' }, free: ['/nango_oauth_error/message'] },
    { name: 'ws: the error on socket 2', ws: 'expect', socket: 'ws2', within_ms: 1500, free: ['/error_desc'] },
    { name: 'ws: ack for socket 3', ws: 'open', socket: 'ws3', capture: { ws3: '/ws_client_id' } },
    { name: 'oauth: connect, integration not allowed by the session', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'connect_session_token={{session_api_key_only}}&ws_client_id={{ws3}}' }, free: MSG },
    { name: 'oauth: connect, connection_id with a session token', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'connect_session_token={{session_b}}&connection_id=abc&ws_client_id={{ws3}}' }, free: MSG },
    { name: 'ws: nothing on socket 3 after JSON refusals', ws: 'expect', socket: 'ws3', within_ms: 1500 },
    { name: 'oauth: connect starts the flow', request: { method: 'GET', path: '/oauth/connect/github-dev', query: 'connect_session_token={{session_b}}&ws_client_id={{ws3}}' }, note: 'the Location is the provider\'s authorization URL: the real server sends the browser to GitHub, the dev server to its fake provider' },
    { name: 'ws: nothing on socket 3 while the user is at the provider', ws: 'expect', socket: 'ws3', within_ms: 800 },
    { name: 'oauth: callback without a state', request: { method: 'GET', path: '/oauth/callback', query: 'code=abc' }, free: ['/nango_oauth_error/message'] },
    { name: 'oauth: callback with an unknown state', request: { method: 'GET', path: '/oauth/callback', query: 'code=abc&state=0e1c2d3a-1111-4222-8333-444455556666' }, free: ['/nango_oauth_error/message'] },
    { name: 'ws: close socket 1', ws: 'close', socket: 'ws1' },

    // ---------- connections (secret key) ----------
    { name: 'connections: list', request: { method: 'GET', path: '/connections', headers: secret } },
    { name: 'connections: list for one integration', request: { method: 'GET', path: '/connections', query: 'integrationId=basic-dev', headers: secret } },
    { name: 'connections: list, bad limit', request: { method: 'GET', path: '/connections', query: 'limit=0', headers: secret } },
    { name: 'connections: one', request: { method: 'GET', path: '/connections/{{basic_connection}}', query: 'provider_config_key=basic-dev', headers: secret } },
    { name: 'connections: one, without provider_config_key', request: { method: 'GET', path: '/connections/{{basic_connection}}', headers: secret } },
    { name: 'connections: one, unknown', request: { method: 'GET', path: '/connections/nope-connection', query: 'provider_config_key=basic-dev', headers: secret }, free: MSG },
    { name: 'connections: one, unknown integration', request: { method: 'GET', path: '/connections/{{basic_connection}}', query: 'provider_config_key=nope-dev', headers: secret }, free: MSG },
    { name: 'connections: one, session token', request: { method: 'GET', path: '/connections/{{basic_connection}}', query: 'provider_config_key=basic-dev', headers: session('session_b') }, free: MSG },
    { name: 'connections: set metadata', request: { method: 'POST', path: '/connections/metadata', headers: secret, body: { connection_id: '{{basic_connection}}', provider_config_key: 'basic-dev', metadata: { a: 1 } } } },
    { name: 'connections: update metadata', request: { method: 'PATCH', path: '/connections/metadata', headers: secret, body: { connection_id: '{{basic_connection}}', provider_config_key: 'basic-dev', metadata: { b: 2 } } } },
    { name: 'connections: set metadata, unknown connection', request: { method: 'POST', path: '/connections/metadata', headers: secret, body: { connection_id: 'nope-connection', provider_config_key: 'basic-dev', metadata: { a: 1 } } }, free: MSG },
    { name: 'connections: set metadata, bad body', request: { method: 'POST', path: '/connections/metadata', headers: secret, body: { connection_id: '{{basic_connection}}' } } },
    { name: 'connections: legacy list', request: { method: 'GET', path: '/connection', query: 'integrationId=basic-dev', headers: secret } },
    { name: 'connections: legacy read', request: { method: 'GET', path: '/connection/{{basic_connection}}', query: 'provider_config_key=basic-dev', headers: secret } },
    { name: 'connections: legacy set metadata', request: { method: 'POST', path: '/connection/{{basic_connection}}/metadata', headers: { ...secret, 'provider-config-key': 'basic-dev' }, body: { c: 3 } } },
    { name: 'connections: read with metadata', request: { method: 'GET', path: '/connections/{{basic_connection}}', query: 'provider_config_key=basic-dev', headers: secret } },
    { name: 'connections: import an API key connection', request: { method: 'POST', path: '/connections', headers: secret, body: { provider_config_key: 'api-key-dev', connection_id: 'imported-1', credentials: { type: 'API_KEY', apiKey: 'imported-key' } } } },
    { name: 'connections: import, unknown integration', request: { method: 'POST', path: '/connections', headers: secret, body: { provider_config_key: 'nope-dev', connection_id: 'imported-2', credentials: { type: 'API_KEY', apiKey: 'k' } } }, free: MSG },
    { name: 'connections: delete', request: { method: 'DELETE', path: '/connections/imported-1', query: 'provider_config_key=api-key-dev', headers: secret } },
    { name: 'connections: delete again', request: { method: 'DELETE', path: '/connections/imported-1', query: 'provider_config_key=api-key-dev', headers: secret }, free: MSG },
    { name: 'connections: legacy delete', request: { method: 'DELETE', path: '/connection/conn-public-1', query: 'provider_config_key=api-key-dev', headers: secret } },

    // ---------- the OAuth2 flow, with a provider the real server can reach ----------
    { name: 'oauth flow: ack for socket 4', ws: 'open', socket: 'ws4', capture: { ws4: '/ws_client_id' }, oauth_flow: true },
    { name: 'oauth flow: connect redirects to the provider', request: { method: 'GET', path: '/oauth/connect/fake-oauth-dev', query: 'connect_session_token={{session_b}}&ws_client_id={{ws4}}' }, capture: { authorize_url: 'location' }, oauth_flow: true, note: 'the provider\'s origin and path differ (the dev server\'s fake provider); the query must have the same names' },
    { name: 'oauth flow: the user approves at the provider', provider: 'approve', from: 'authorize_url', capture: { callback_url: 'location' }, oauth_flow: true },
    { name: 'oauth flow: callback', request: { method: 'GET', url: '{{callback_url}}' }, oauth_flow: true },
    { name: 'oauth flow: success on socket 4', ws: 'expect', socket: 'ws4', within_ms: 3000, capture: { oauth_connection: '/connection_id' }, oauth_flow: true },
    { name: 'oauth flow: callback replayed', request: { method: 'GET', url: '{{callback_url}}' }, free: ['/nango_oauth_error/message'], oauth_flow: true },
    { name: 'oauth flow: nothing more on socket 4', ws: 'expect', socket: 'ws4', within_ms: 1500, oauth_flow: true },
    { name: 'oauth flow: the connection', request: { method: 'GET', path: '/connections/{{oauth_connection}}', query: 'provider_config_key=fake-oauth-dev', headers: secret }, free: ['/credentials/access_token', '/credentials/refresh_token', '/credentials/raw/*'], oauth_flow: true },
    { name: 'oauth flow: ack for socket 5', ws: 'open', socket: 'ws5', capture: { ws5: '/ws_client_id' }, oauth_flow: true },
    { name: 'oauth flow: connect again', request: { method: 'GET', path: '/oauth/connect/fake-oauth-dev', query: 'connect_session_token={{session_b}}&ws_client_id={{ws5}}' }, capture: { authorize_url_2: 'location' }, oauth_flow: true },
    { name: 'oauth flow: the user denies at the provider', provider: 'deny', from: 'authorize_url_2', capture: { callback_url_2: 'location' }, oauth_flow: true },
    { name: 'oauth flow: callback with the provider\'s error', request: { method: 'GET', url: '{{callback_url_2}}' }, free: ['/nango_oauth_error/message'], oauth_flow: true },
    { name: 'oauth flow: the error on socket 5', ws: 'expect', socket: 'ws5', within_ms: 3000, free: ['/0/error_desc'], oauth_flow: true },

    // ---------- reconnect sessions ----------
    { name: 'reconnect: session for the basic connection', request: { method: 'POST', path: '/connect/sessions/reconnect', headers: secret, body: { connection_id: '{{basic_connection}}', integration_id: 'basic-dev' } }, free: LINK, capture: { session_reconnect: '/data/token' } },
    { name: 'reconnect: read the session', request: { method: 'GET', path: '/connect/session', headers: session('session_reconnect') }, free: ['/data/connectUISettings/*'] },
    { name: 'reconnect: unknown connection', request: { method: 'POST', path: '/connect/sessions/reconnect', headers: secret, body: { connection_id: 'nope-connection', integration_id: 'basic-dev' } } },
    { name: 'reconnect: missing integration_id', request: { method: 'POST', path: '/connect/sessions/reconnect', headers: secret, body: { connection_id: '{{basic_connection}}' } } },
    { name: 'reconnect: re-authorize the connection', request: { method: 'POST', path: '/api-auth/basic/basic-dev', query: 'connect_session_token={{session_reconnect}}', body: { username: 'dev-user', password: 'dev-password' } } },

    // ---------- telemetry ----------
    { name: 'telemetry: an event', request: { method: 'POST', path: '/connect/telemetry', body: { token: '{{session}}', event: 'open', timestamp: '{{now}}' } } },
    { name: 'telemetry: bad body', request: { method: 'POST', path: '/connect/telemetry', body: { token: '{{session}}', event: 'nope' } } },

];
