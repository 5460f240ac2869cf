import request from 'supertest';
import { eventually } from '@portico/test-utils';
import { FakeJira } from '../__testUtils__/FakeJira';
import { seedJira } from '../__testUtils__/seedJira';
import { entity, startJiraBackend } from '../__testUtils__/startJiraBackend';

describe('the Jira mapping check (catalog errors)', () => {
  it('reports a JQL Jira rejects, an unknown project and a malformed annotation as catalog errors on the entities, and clears them once fixed', async () => {
    const fake = await new FakeJira({ kind: 'cloud' }).start();
    seedJira(fake);
    const backend = await startJiraBackend(fake, {
      entities: [
        entity('payments', { 'jira/project-key': 'PAY' }),
        entity('bad-jql', { 'jira/project-key': 'PAY', 'jira/jql': 'nosuchfield = 1' }),
        entity('ghost', { 'jira/project-key': 'GHOST' }),
        entity('widening', { 'jira/project-key': 'PAY', 'jira/jql': 'x = 1) OR (project = SECRET' }),
      ],
      manualSchedulers: true,
    });
    try {
      await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(4));
      await backend.schedulers.triggerTask('jira-mapping-check:run');
      const errors = await eventually(async () => {
        const res = await request(backend.server).get('/api/catalog/entities/errors').expect(200);
        const text = JSON.stringify(res.body);
        expect(text).toContain('component:default/ghost');
        return text;
      });
      expect(errors).toContain('component:default/bad-jql');
      expect(errors).toContain("Field 'nosuchfield' does not exist or you do not have permission to view it.");
      expect(errors).toContain("The value 'GHOST' does not exist for the field 'project'.");
      expect(errors).toContain('component:default/widening has a jira/jql that closes a parenthesis it did not open');
      expect(errors).not.toContain('component:default/payments"');
      // The project appears in Jira: the next run clears its error.
      fake.addProject('GHOST');
      await backend.schedulers.triggerTask('jira-mapping-check:run');
      await eventually(async () => {
        const res = await request(backend.server).get('/api/catalog/entities/errors').expect(200);
        expect(JSON.stringify(res.body)).not.toContain('GHOST');
      });
      // Jira down: the errors found before stay.
      fake.delayMs = 3000;
      await backend.schedulers.triggerTask('jira-mapping-check:run');
      fake.delayMs = 0;
      expect(JSON.stringify((await request(backend.server).get('/api/catalog/entities/errors').expect(200)).body)).toContain('component:default/bad-jql');
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});
