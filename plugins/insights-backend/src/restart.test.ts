import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describeEachDatabase, eventually } from '@portico/test-utils';
import { startInsightsBackend } from './__testUtils__/startInsightsBackend';
import { insightsPlugin } from './plugin';

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describeEachDatabase('the insights plugin restarted with another insights.failureWindow', db => {
  let dir: string;
  let database: Record<string, unknown>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'insights-restart-'));
    // On SQLite a file, so the second start finds what the first stored (db.config is in memory).
    database = db.engine === 'pg' ? db.config : { client: 'better-sqlite3', connection: path.join(dir, 'portico.sqlite') };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = (failureWindow: string) => startInsightsBackend({ features: [insightsPlugin], database, config: { insights: { failureWindow } } });
  const changeFailureRate = async (backend: Awaited<ReturnType<typeof start>>) => {
    const res = await request(backend.server).get('/api/insights/metrics?entityRef=billing&metric=changeFailureRate&interval=week').expect(200);
    return [res.body.metrics[0].value, res.body.metrics[0].sampleSize];
  };

  it('recomputes the stored change failures at start', async () => {
    const first = await start('PT24H');
    try {
      const deployments = [100, 60, 50].map((h, i) => ({ id: `r-${i}`, entityRef: 'billing', environment: 'production', status: 'succeeded', finishedAt: ago(h * HOUR), source: 'ci' }));
      await request(first.server).post('/api/insights/deployments').send({ deployments }).expect(202);
      // 30 h after the first deployment and before the next: a failure within 48 h, not within 24 h.
      await request(first.server).post('/api/insights/incidents').send({ incidents: [{ id: 'INC-1', entityRef: 'billing', openedAt: ago(70 * HOUR), source: 'pd' }] }).expect(202);
      expect(await changeFailureRate(first)).toEqual([0, 3]);
    } finally {
      await first.cleanup();
    }
    const second = await start('PT48H');
    try {
      await eventually(async () => expect(await changeFailureRate(second)).toEqual([1 / 3, 3]));
    } finally {
      await second.cleanup();
    }
  });
});
