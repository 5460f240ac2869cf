import express from 'express';
import request from 'supertest';
import { jsonBodyParser } from './jsonBodyParser';

type WithRawBody = express.Request & { rawBody?: Buffer };

function echoApp(limit = '1mb', maxDepth = 64) {
  const app = express();
  app.use(jsonBodyParser({ limit, maxDepth }));
  app.all('/echo', (req, res) => {
    res.json({ hasBody: 'body' in req, body: req.body ?? null, raw: (req as WithRawBody).rawBody?.toString('utf8') ?? null });
  });
  app.use((error: { name?: string; message?: string; statusCode?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.statusCode ?? 500).json({ name: error.name, message: error.message });
  });
  return app;
}

describe('jsonBodyParser', () => {
  it('keeps the exact bytes of a JSON body for signature checks', async () => {
    const app = express();
    app.post('/hook', jsonBodyParser({ limit: '1mb', maxDepth: 64 }), (req, res) => {
      res.json({ parsed: req.body, raw: (req as WithRawBody).rawBody?.toString('utf8') });
    });
    const sent = '{\n  "action": "opened",  "n": 1\n}';
    const res = await request(app).post('/hook').set('content-type', 'application/json').send(sent);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: { action: 'opened', n: 1 }, raw: sent });
  });

  it('lets a request without a body through with req.body undefined, whatever its content-type says', async () => {
    for (const method of ['get', 'delete', 'options'] as const) {
      const res = await request(echoApp())[method]('/echo').set('content-type', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ hasBody: true, body: null, raw: null });
    }
    expect((await request(echoApp()).head('/echo')).status).toBe(200);
  });

  it('does not run body-parser at all for a request without a body', async () => {
    const realJson = express.json;
    const parsed: string[] = [];
    const spy = jest.spyOn(express, 'json').mockImplementation(options => {
      const parse = realJson(options);
      return (req, res, next) => {
        parsed.push(String(req.method));
        return parse(req, res, next);
      };
    });
    try {
      const app = echoApp();
      expect((await request(app).get('/echo')).status).toBe(200);
      expect((await request(app).post('/echo').send({ a: 1 })).body.body).toEqual({ a: 1 });
      expect(parsed).toEqual(['POST']);
    } finally {
      spy.mockRestore();
    }
  });

  it('still parses a body on any method, chunked or with a length, and refuses malformed or oversized ones', async () => {
    const get = await request(echoApp()).get('/echo').set('content-type', 'application/json').send('{"q":1}');
    expect(get.body).toEqual({ hasBody: true, body: { q: 1 }, raw: '{"q":1}' });

    const chunked = request(echoApp()).post('/echo').set('content-type', 'application/json');
    chunked.write('{"part":');
    chunked.write('"two"}');
    const chunkedRes = await chunked;
    expect(chunkedRes.body).toEqual({ hasBody: true, body: { part: 'two' }, raw: '{"part":"two"}' });

    // body-parser reads an empty body with a content-length as {}; that stays so.
    const empty = await request(echoApp()).post('/echo').set('content-type', 'application/json').set('content-length', '0');
    expect(empty.body).toEqual({ hasBody: true, body: {}, raw: '' });

    const malformed = await request(echoApp()).get('/echo').set('content-type', 'application/json').send('{"oops":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ name: 'InputError', message: expect.stringContaining('Malformed JSON') });

    const big = await request(echoApp('10b')).post('/echo').send({ big: 'x'.repeat(100) });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ name: 'PayloadTooLargeError', message: 'Request body is larger than the limit of 10b' });
  });

  it('refuses a body nested deeper than the limit with a 400 naming it, without overflowing the stack', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await request(echoApp('10mb')).post('/echo').set('content-type', 'application/json').send(deep);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: 'InputError', message: 'Request body is nested deeper than the limit of 64 levels' });

    const atLimit = '{"a":'.repeat(3) + '1' + '}'.repeat(3);
    expect((await request(echoApp('1mb', 3)).post('/echo').set('content-type', 'application/json').send(atLimit)).status).toBe(200);
    expect((await request(echoApp('1mb', 2)).post('/echo').set('content-type', 'application/json').send(atLimit)).status).toBe(400);
    // Brackets inside strings, escaped quotes included, are text.
    const inStrings = JSON.stringify({ a: '[[[[[[[[\\"[[[[', b: ['"{{{{{{'] });
    expect((await request(echoApp('1mb', 2)).post('/echo').set('content-type', 'application/json').send(inStrings)).status).toBe(200);
  });

  it.each([
    ['{"__proto__":{"polluted":true}}', '__proto__', '__proto__'],
    ['{"spec":{"links":[{"constructor":{"prototype":{"x":1}}}]}}', 'constructor', 'spec.links.0.constructor'],
    ['{"a":{"prototype":1}}', 'prototype', 'a.prototype'],
    ['{"a":{"\\u005f_proto__":{"polluted":true}}}', '__proto__', 'a.__proto__'],
  ])('refuses a body with a prototype key (%s) with a 400 naming its path', async (sent, key, path) => {
    const res = await request(echoApp()).post('/echo').set('content-type', 'application/json').send(sent);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: 'InputError', message: expect.stringContaining(`'${key}' at ${path}`) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts those words as values and inside longer keys', async () => {
    const sent = { description: 'the constructor of a prototype: __proto__', my_constructor: 1, prototypes: ['x'] };
    const res = await request(echoApp()).post('/echo').send(sent);
    expect(res.status).toBe(200);
    expect(res.body.body).toEqual(sent);
  });
});
