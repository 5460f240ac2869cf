import type { DatabaseService } from '@portico/backend-plugin-api';
import type { InsightsCheckpoint } from '@portico/plugin-insights-node';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** Where each source's backfill stopped (`checkpoints`): a small key/value per source that survives restarts. */
export class CheckpointStore {
  constructor(private readonly knex: Knex) {}

  /** The checkpoint of one source: its keys are its own, never another source's. */
  forSource(source: string): InsightsCheckpoint {
    return {
      get: async key => {
        const row = await this.knex('checkpoints').where({ source, key }).first('value');
        return row?.value as string | undefined;
      },
      set: async (key, value) => {
        await this.knex('checkpoints').insert({ source, key, value, updated_at: Date.now() }).onConflict(['source', 'key']).merge();
      },
    };
  }
}
