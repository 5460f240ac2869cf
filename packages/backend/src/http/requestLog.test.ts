import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import winston from 'winston';
import { capturingLogger, type CapturedLine } from '../__testUtils__/testBackend';
import { WinstonLogger } from '../services/logger/WinstonLogger';
import { requestLogMiddleware } from './requestLog';

function appLoggingWith(logger: Parameters<typeof requestLogMiddleware>[0]) {
  const app = express();
  app.use(requestLogMiddleware(logger));
  app.get('/things', (_req, res) => void res.json({ ok: true }));
  return app;
}

describe('the request log', () => {
  it('costs a request nothing while debug is off, and follows a level changed at run time', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk).trim());
        done();
      },
    });
    const logger = WinstonLogger.create({ format: 'json', level: 'warn', transports: [new winston.transports.Stream({ stream })] });
    const debug = jest.spyOn(logger, 'debug');
    const app = appLoggingWith(logger);

    expect((await request(app).get('/things')).status).toBe(200);
    expect(debug).not.toHaveBeenCalled();

    logger.winston.level = 'debug';
    await request(app).get('/things?page=2');
    expect(lines.map(line => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'debug', message: 'GET /things?page=2 200', durationMs: expect.any(Number) }),
    ]);
  });

  it('gives every request to a logger that cannot tell its level', async () => {
    const lines: CapturedLine[] = [];
    await request(appLoggingWith(capturingLogger(lines))).get('/things');
    expect(lines).toEqual([{ level: 'debug', message: 'GET /things 200', meta: { requestId: undefined, durationMs: expect.any(Number) } }]);
  });
});
