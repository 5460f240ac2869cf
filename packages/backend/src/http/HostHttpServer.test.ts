import http from 'node:http';
import { capturingLogger } from '../__testUtils__/testBackend';
import { HostHttpServer } from './HostHttpServer';

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('HostHttpServer', () => {
  it('sends JSON without an ETag and never answers it with a 304', async () => {
    const server = new HostHttpServer({ port: 0, host: '127.0.0.1', bodyLimit: '1mb', logger: capturingLogger([]) });
    server.router.get('/api/x/page', (_req, res) => void res.json({ items: Array.from({ length: 200 }, (_, i) => ({ i })) }));
    await server.listen();
    const agent = new http.Agent({ keepAlive: false });
    try {
      const first = await get(`http://127.0.0.1:${server.port}/api/x/page`, agent);
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBeUndefined();
      const again = await new Promise<number>((resolve, reject) =>
        http
          .get(`http://127.0.0.1:${server.port}/api/x/page`, { agent, headers: { 'if-none-match': 'W/"anything"' } }, res => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on('error', reject),
      );
      expect(again).toBe(200);
    } finally {
      await server.close();
    }
  });
});
