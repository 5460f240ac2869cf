import { randomUUID } from 'node:crypto';
import type { DatabaseService } from '@portico/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** A thing, optionally about a catalog entity (the shape the example frontend reads). */
export interface Thing {
  id: string;
  name: string;
  entityRef: string | null;
  createdAt: string;
}

interface ThingRow {
  id: string;
  name: string;
  entity_ref: string | null;
  created_at: string;
}

const toThing = (row: ThingRow): Thing => ({ id: row.id, name: row.name, entityRef: row.entity_ref, createdAt: row.created_at });

/** The SQL of the example plugin, and nothing else. */
export class ThingStore {
  constructor(private readonly knex: Knex) {}

  async insert(thing: { name: string; entityRef?: string }): Promise<Thing> {
    const row: ThingRow = { id: randomUUID(), name: thing.name, entity_ref: thing.entityRef ?? null, created_at: new Date().toISOString() };
    await this.knex<ThingRow>('things').insert(row);
    return toThing(row);
  }

  async list(filter: { entityRef?: string; limit: number }): Promise<Thing[]> {
    const query = this.knex<ThingRow>('things').select('*').orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(filter.limit);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    return (await query).map(toThing);
  }

  async get(id: string): Promise<Thing | undefined> {
    const row = await this.knex<ThingRow>('things').where({ id }).first();
    return row ? toThing(row) : undefined;
  }
}
