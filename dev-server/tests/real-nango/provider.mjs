#!/usr/bin/env node
// A minimal third-party OAuth2 provider for recording a whole OAuth2 flow against a real Nango:
// `record.mjs` runs it inside a network namespace of its own (the real server refuses loopback
// token URLs), at the address given. Not a test subject: the dev server has its own fake
// provider (`src/routes/fake_provider.rs`).
//
//   node provider.mjs <address> <port>
//
// GET /authorize?...&redirect_uri&state[&decision=deny] → 302 to redirect_uri with a code (or
// error=access_denied); POST /token (authorization_code with a code it issued, or
// refresh_token) → {access_token, token_type, expires_in, refresh_token, scope}.

import http from 'node:http';
import crypto from 'node:crypto';

const [address, port] = process.argv.slice(2);
const codes = new Map();

function json(res, status, body) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (req.method === 'GET' && url.pathname === '/authorize') {
        const redirect = url.searchParams.get('redirect_uri');
        const state = url.searchParams.get('state');
        if (!redirect || !state) return json(res, 400, { error: 'invalid_request' });
        const back = new URL(redirect);
        if (url.searchParams.get('decision') === 'deny') {
            back.searchParams.set('error', 'access_denied');
            back.searchParams.set('error_description', 'The user denied the request');
        } else {
            const code = crypto.randomBytes(16).toString('hex');
            codes.set(code, { redirect, scope: url.searchParams.get('scope') || '' });
            back.searchParams.set('code', code);
        }
        back.searchParams.set('state', state);
        res.writeHead(302, { location: back.toString() });
        return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
            const form = new URLSearchParams(body);
            const grant = form.get('grant_type');
            if (grant === 'authorization_code') {
                const issued = codes.get(form.get('code') || '');
                if (!issued) return json(res, 400, { error: 'invalid_grant', error_description: 'unknown code' });
                codes.delete(form.get('code'));
                return json(res, 200, {
                    access_token: crypto.randomBytes(16).toString('hex'),
                    token_type: 'bearer',
                    expires_in: 3600,
                    refresh_token: crypto.randomBytes(16).toString('hex'),
                    scope: issued.scope
                });
            }
            if (grant === 'refresh_token') {
                return json(res, 200, { access_token: crypto.randomBytes(16).toString('hex'), token_type: 'bearer', expires_in: 3600, refresh_token: crypto.randomBytes(16).toString('hex') });
            }
            return json(res, 400, { error: 'unsupported_grant_type' });
        });
        return;
    }
    json(res, 404, { error: 'not_found' });
});
server.listen(Number(port), address, () => console.error(`provider: http://${address}:${port}`));
