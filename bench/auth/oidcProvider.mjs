// A local OpenID provider (oidc-provider 9, ESM-only) for bench/auth/run.js, in its own process so its work is
// not counted as the portal's: the approach of plugins/auth-backend's OidcTestProvider, without its test files.
// argv[2]: JSON { clients, accounts }. Prints {"issuer": "..."} once listening.
import http from 'node:http';

const options = JSON.parse(process.argv[2] ?? '{}');
process.removeAllListeners('warning');
const { default: Provider } = await import('oidc-provider');

const server = http.createServer();
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const accounts = options.accounts ?? {};

const provider = new Provider(issuer, {
  clients: options.clients ?? [],
  cookies: { keys: ['portico-bench-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
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
