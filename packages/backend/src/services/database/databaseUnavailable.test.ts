import express from 'express';
import request from 'supertest';
import { MockLogger } from '@portico/test-utils';
import { createErrorHandler } from '../../http/errorHandler';
import { isDatabaseUnavailableError } from './databaseUnavailable';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('errors that mean the database is unreachable', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a terminated session', pgError('57P01', 'terminating connection due to administrator command')],
    ['a database refusing connections', pgError('55000', 'database "portico" is not currently accepting connections')],
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    ['a pool that found no connection', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })],
    ['one wrapped by a plugin', new Error('loading the page failed', { cause: pgError('08006', 'connection failure') })],
  ])('recognises %s', (_what, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a bad query', pgError('42P01', 'relation "nope" does not exist')],
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['not an error', 'ECONNREFUSED'],
  ])('leaves %s alone', (_what, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });

  it('answers 503 with Retry-After for them and 500 for the rest', async () => {
    const app = express();
    app.get('/down', () => {
      throw pgError('57P01', 'terminating connection due to administrator command');
    });
    app.get('/bug', () => {
      throw new TypeError('oops');
    });
    app.use(createErrorHandler(new MockLogger()));
    const down = await request(app).get('/down');
    expect([down.status, down.headers['retry-after'], down.body.error.name]).toEqual([503, '5', 'ServiceUnavailableError']);
    expect(down.body.error.message).not.toMatch(/administrator/);
    const bug = await request(app).get('/bug');
    expect([bug.status, bug.headers['retry-after']]).toEqual([500, undefined]);
  });
});
