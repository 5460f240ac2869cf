import net from 'node:net';
import { ServiceUnavailableError } from '@portico/errors';
import { GithubRepositoryService } from '../service/GithubRepositoryService';
import { GithubClients } from './GithubClients';

/** A "GitHub" that accepts connections, reads the requests and never answers. */
async function hangingGithub() {
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('data', chunk => {
      requests += String(chunk).split('\r\n').filter(line => /^GET /.test(line)).length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/v3`,
    requests: () => requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

describe('a GitHub that never answers', () => {
  let github: Awaited<ReturnType<typeof hangingGithub>>;
  beforeAll(async () => {
    github = await hangingGithub();
  });
  afterAll(() => github.close());

  it('fails the request after requestTimeoutMs with a message naming the host, not retried, and shares one read among callers', async () => {
    const service = new GithubRepositoryService(new GithubClients([{ host: 'ghe.hang.test', apiBaseUrl: github.url, token: 't', requestTimeoutMs: 300 }]));
    const answers = await Promise.allSettled(Array.from({ length: 5 }, () => service.getSummary({ host: 'ghe.hang.test', owner: 'acme', repo: 'ledger' })));
    for (const answer of answers) {
      expect(answer.status).toBe('rejected');
      const error = (answer as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.expose).toBe(true);
      expect(error.message).toBe('GitHub (ghe.hang.test) did not answer within 0.3 s while reading acme/ledger');
    }
    // five callers at once, one request; and the timed-out one was not tried again
    expect(github.requests()).toBe(1);
  });
});
