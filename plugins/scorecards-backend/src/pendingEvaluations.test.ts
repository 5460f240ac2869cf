import { describeEachDatabase, eventually } from '@portico/test-utils';
import { component, platform, readinessSpec, scorecard, startScorecardsBackend, teamA, type ScorecardsTestBackend } from './__testUtils__/testScorecardsBackend';

// A second backend over the same database is a new process over what the first left: PostgreSQL only here (the test
// backend's SQLite is in memory); the queue's own tests cover both engines.
describeEachDatabase(
  'changed entities a previous process queued',
  db => {
    let backend: ScorecardsTestBackend | undefined;
    afterEach(async () => {
      await backend?.stop();
      backend = undefined;
    });
    const table = (name: string) => db.knex.withSchema('portico_scorecards').table(name);

    it('are evaluated by the next process at start, after the first load', async () => {
      const start = () =>
        startScorecardsBackend({ entities: [teamA, platform, component('payments'), scorecard(readinessSpec)], config: { backend: { database: db.config } } });
      backend = await start();
      await eventually(async () => expect(await table('entity_scores').where({ entity_ref: 'component:default/payments' })).toHaveLength(1));
      await backend.stop();
      backend = undefined;

      // What a killed process left: an entity gone from the catalog whose removal it had queued but not evaluated
      // (its results still stored), recorded unclaimed as onEvent leaves it.
      const gone = 'component:default/gone';
      const [row] = await table('entity_scores').where({ entity_ref: 'component:default/payments' });
      await table('entity_scores').insert({ ...row, entity_ref: gone });
      await table('pending_entity_evaluations').insert({ entity_ref: gone, queued_at: Date.now(), version: 0, claimed_by: null, claimed_until: null });

      backend = await start();
      await eventually(async () => {
        expect(await table('pending_entity_evaluations')).toEqual([]);
        expect(await table('entity_scores').where({ entity_ref: gone })).toEqual([]);
      }, 20_000);
      expect(await table('entity_scores').where({ entity_ref: 'component:default/payments' })).toHaveLength(1);
    }, 60_000);
  },
  { engines: ['pg'] },
);
