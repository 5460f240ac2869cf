import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { helmetFor, securityHeaders } from './securityHeaders';

async function headersOf(middleware: RequestHandler, path: string) {
  const app = express();
  app.use(middleware);
  app.get('/*splat', (_req, res) => void res.json({ ok: true }));
  const res = await request(app).get(path).expect(200);
  const { date: _date, etag: _etag, ...headers } = res.headers;
  return headers;
}

describe('securityHeaders', () => {
  it.each([false, true])('sends exactly the headers helmet sends (https: %s), on every request', async https => {
    const expected = await headersOf(helmetFor({ https }), '/api/x');
    expect(expected['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(expected['x-powered-by']).toBeUndefined();
    const middleware = securityHeaders({ https });
    for (const path of ['/api/x', '/other?q=1', '/api/x']) expect(await headersOf(middleware, path)).toEqual(expected);
  });
});
