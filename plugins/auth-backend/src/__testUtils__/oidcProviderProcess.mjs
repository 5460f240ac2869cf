// A real OpenID provider (oidc-provider, ESM-only) on 127.0.0.1, run by node in its own process for the tests.
// argv[2]: JSON { clients, accounts, clockOffsetSeconds }. Prints {"issuer": "..."} once listening.
import http from 'node:http';

const options = JSON.parse(process.argv[2] ?? '{}');
if (options.clockOffsetSeconds) {
  // A provider whose clock is behind: the tokens it signs are already expired for everyone else.
  const realNow = Date.now;
  Date.now = () => realNow() + options.clockOffsetSeconds * 1000;
}
process.removeAllListeners('warning');
const { default: Provider } = await import('oidc-provider');

const server = http.createServer();
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const accounts = options.accounts ?? {};

const provider = new Provider(issuer, {
  clients: options.clients ?? [],
  cookies: { keys: ['portico-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'picture'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    return { accountId: id, async claims() { return { sub: id, ...(accounts[id] ?? {}) }; } };
  },
});
provider.on('server_error', (_ctx, error) => console.error(error));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
