// The backend of an app, written against Nango's official Node SDK, run against the dev server
// by `dev-server/tests/node_sdk.rs`. It does what a backend does: mints connect sessions,
// receives and verifies auth webhooks, lists and reads connections, sets metadata, deletes.
// Between two steps it plays the browser for a moment (the credential POST the frontend SDK
// would send). Each step prints one JSON line; any failed check exits non-zero.
//
// Environment: NANGO_HOST, NANGO_SECRET_KEY, NANGO_WEBHOOK_SIGNING_KEY, WEBHOOK_PORT (where
// the dev server was told to send webhooks: http://127.0.0.1:WEBHOOK_PORT/webhooks/nango).

import assert from 'node:assert/strict';
import http from 'node:http';
import { Nango } from '@nangohq/node';

const { NANGO_HOST, NANGO_SECRET_KEY, NANGO_WEBHOOK_SIGNING_KEY, WEBHOOK_PORT } = process.env;
// A watchdog: never hang the Rust test.
setTimeout(() => {
    console.error('backend.mjs: timed out');
    process.exit(3);
}, 60_000).unref();

const nango = new Nango({ host: NANGO_HOST, apiKey: NANGO_SECRET_KEY, webhookSigningKey: NANGO_WEBHOOK_SIGNING_KEY });
const report = (step, data = {}) => console.log(JSON.stringify({ step, ...data }));

// The webhook endpoint of this backend, verified with the SDK's own check.
const waiting = [];
const received = [];
const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
        const verified = nango.verifyIncomingWebhookRequest(raw, req.headers);
        const tampered = nango.verifyIncomingWebhookRequest(raw.replace('"auth"', '"sync"'), req.headers);
        res.writeHead(verified ? 200 : 401).end();
        const hook = { verified, tampered, body: JSON.parse(raw) };
        const waiter = waiting.shift();
        if (waiter) waiter(hook);
        else received.push(hook);
    });
});
await new Promise((resolve) => server.listen(Number(WEBHOOK_PORT), '127.0.0.1', resolve));
const nextWebhook = () => (received.length ? Promise.resolve(received.shift()) : new Promise((resolve) => waiting.push(resolve)));

// What the frontend does with a session token (the browser's part, not the SDK's).
async function frontendConnects(token) {
    const url = `${NANGO_HOST}/api-auth/api-key/api-key-dev?connect_session_token=${token}`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: 'dev-key-ok' }) });
    assert.equal(res.status, 200);
    return (await res.json()).connectionId;
}

// 1. A connect session for the signed-in user.
const session = await nango.createConnectSession({
    end_user: { id: 'user-123', email: 'ada@example.com', display_name: 'Ada' },
    organization: { id: 'org-9', display_name: 'Acme' },
    allowed_integrations: ['api-key-dev']
});
assert.match(session.data.token, /^nango_connect_session_[0-9a-f]{64}$/);
report('session', { expires_at: session.data.expires_at });

// 2. The user connects; the webhook says which connection was created.
const frontendId = await frontendConnects(session.data.token);
const created = await nextWebhook();
assert.equal(created.verified, true, 'verifyIncomingWebhookRequest accepts the signature');
assert.equal(created.tampered, false, 'a changed body fails verification');
assert.equal(created.body.operation, 'creation');
assert.equal(created.body.connectionId, frontendId);
assert.equal(created.body.endUser.endUserId, 'user-123');
const connectionId = created.body.connectionId;
report('webhook', { verified: created.verified, tampered: created.tampered, operation: created.body.operation, connectionId, tags: created.body.tags });

// 3. List, by user and all.
const mine = await nango.listConnections({ userId: 'user-123' });
assert.deepEqual(mine.connections.map((c) => c.connection_id), [connectionId]);
const byTag = await nango.listConnections({ tags: { organization_id: 'org-9' } });
assert.equal(byTag.connections.length, 1);
const legacy = await nango.listConnections(connectionId);
assert.equal(legacy.connections.length, 1);
report('list', { count: mine.connections.length, end_user: mine.connections[0].end_user.id });

// 4. One connection with its credentials.
const connection = await nango.getConnection('api-key-dev', connectionId);
assert.equal(connection.credentials.type, 'API_KEY');
assert.equal(connection.credentials.apiKey, 'dev-key-ok');
assert.ok(connection.created_at && connection.updated_at && connection.last_fetched_at);
const token = await nango.getToken('api-key-dev', connectionId);
assert.equal(token.apiKey, 'dev-key-ok');
report('get', { type: connection.credentials.type, apiKey: connection.credentials.apiKey, created_at: connection.created_at });

// 5. Metadata: set, then merge.
await nango.setMetadata('api-key-dev', connectionId, { plan: 'pro', seats: 3 });
await nango.updateMetadata('api-key-dev', connectionId, { seats: 5 });
const metadata = await nango.getMetadata('api-key-dev', connectionId);
assert.deepEqual(metadata, { plan: 'pro', seats: 5 });
report('metadata', { metadata });

// 6. Integrations and providers.
const integrations = await nango.listIntegrations();
assert.ok(integrations.configs.some((i) => i.unique_key === 'api-key-dev'));
const integration = await nango.getIntegration({ uniqueKey: 'api-key-dev' });
assert.equal(integration.data.provider, 'stripe');
const providers = await nango.listProviders();
const provider = await nango.getProvider({ provider: 'stripe' });
assert.equal(provider.data.auth_mode, 'API_KEY');
report('catalog', { integrations: integrations.configs.length, providers: providers.data.length, auth_mode: provider.data.auth_mode });

// 7. Reconnect: a reconnect session, the user authorizes again, an `override` webhook.
const reconnect = await nango.createReconnectSession({ connection_id: connectionId, integration_id: 'api-key-dev' });
const again = await frontendConnects(reconnect.data.token);
assert.equal(again, connectionId);
const override = await nextWebhook();
assert.equal(override.verified, true);
assert.equal(override.body.operation, 'override');
report('reconnect', { operation: override.body.operation, verified: override.verified });

// 8. Delete; reading it again is a 404.
const deleted = await nango.deleteConnection('api-key-dev', connectionId);
assert.equal(deleted.status, 200);
assert.deepEqual(deleted.data, { success: true });
const gone = await nango.getConnection('api-key-dev', connectionId).then(
    () => null,
    (err) => err.response
);
assert.equal(gone.status, 404);
assert.equal(gone.data.error.code, 'not_found');
const left = await nango.listConnections();
report('delete', { success: deleted.data.success, after: gone.status, left: left.connections.length });

server.close();
report('done', { ok: true });
