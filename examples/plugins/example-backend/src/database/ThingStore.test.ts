import request from 'supertest';
import { describeEachDatabase, startTestBackend } from '@portico/test-utils';
import { examplePlugin } from '../plugin';

describeEachDatabase('the example plugin storage', db => {
  it('migrates its table and filters things by entity on this engine', async () => {
    const backend = await startTestBackend({ features: [examplePlugin], config: { backend: { database: db.config } } });
    try {
      const made = await request(backend.server).post('/api/example/things').send({ name: 'dashboard', entityRef: 'system:default/payments' });
      expect(made.status).toBe(201);
      await request(backend.server).post('/api/example/things').send({ name: 'other' });
      const filtered = await request(backend.server).get('/api/example/things').query({ entityRef: 'system:default/payments' });
      expect(filtered.body.items).toEqual([made.body]);
    } finally {
      await backend.stop();
    }
  });
});
