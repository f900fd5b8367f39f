// The official Node SDK's webhook check on the cases `tests/node_sdk.rs` writes to stdin
// (`[{key, body, headers}]`): prints one JSON array, `true` / `false` per case (`"threw: …"`
// when the SDK throws).
import { Nango } from '@nangohq/node';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map(({ key, body, headers }) => {
    try {
        return new Nango({ apiKey: 'unused', webhookSigningKey: key }).verifyIncomingWebhookRequest(body, headers);
    } catch (e) {
        return `threw: ${e.message}`;
    }
});
console.log(JSON.stringify(results));
