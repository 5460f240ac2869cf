import express from 'express';
import request from 'supertest';
import { createErrorHandler } from './errorHandler';

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => logger };

function appThrowing(error: unknown) {
  const app = express();
  app.get('/write', () => {
    throw error;
  });
  app.use(createErrorHandler(logger));
  return app;
}

describe('the error handler on a full disk', () => {
  it.each([
    ['SQLite', Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })],
    ['the OS, as the cause of a wrapped error', new Error('write failed', { cause: Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) })],
    ['PostgreSQL', Object.assign(new Error('could not extend file'), { code: '53100' })],
  ])('answers 507 naming the disk when %s says it is full, without the internal message', async (_who, error) => {
    const res = await request(appThrowing(error)).get('/write');
    expect(res.status).toBe(507);
    expect(res.body.error.name).toBe('InsufficientStorageError');
    expect(res.body.error.message).toMatch(/disk is full, nothing was written/);
    expect(res.text).not.toMatch(/could not extend|no space left|database or disk/);
  });

  it('still answers another server error 500', async () => {
    const res = await request(appThrowing(Object.assign(new Error('boom'), { code: 'SQLITE_CORRUPT' }))).get('/write');
    expect(res.status).toBe(500);
  });
});
