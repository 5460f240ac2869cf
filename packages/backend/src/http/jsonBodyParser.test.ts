import express from 'express';
import request from 'supertest';
import { jsonBodyParser } from './jsonBodyParser';

describe('jsonBodyParser', () => {
  it('keeps the exact bytes of a JSON body for signature checks', async () => {
    const app = express();
    app.post('/hook', jsonBodyParser('1mb'), (req, res) => {
      res.json({ parsed: req.body, raw: (req as express.Request & { rawBody?: Buffer }).rawBody?.toString('utf8') });
    });
    const sent = '{\n  "action": "opened",  "n": 1\n}';
    const res = await request(app).post('/hook').set('content-type', 'application/json').send(sent);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: { action: 'opened', n: 1 }, raw: sent });
  });
});
