import type { Knex } from 'knex';
import type { LocationRecord } from './catalogRecords';

/** catalog_locations: the locations registered through the API. */
export class LocationStore {
  constructor(private readonly knex: Knex) {}

  async listLocations(): Promise<LocationRecord[]> {
    const rows = await this.knex('catalog_locations').orderBy('created_at').orderBy('id');
    return rows.map(r => ({ id: r.id, type: r.type, target: r.target, rules: r.rules ?? null, createdAt: Number(r.created_at) }));
  }

  async insertLocation(l: LocationRecord): Promise<void> {
    await this.knex('catalog_locations').insert({ id: l.id, type: l.type, target: l.target, rules: l.rules, created_at: l.createdAt });
  }

  async deleteLocation(id: string): Promise<boolean> {
    return (await this.knex('catalog_locations').where('id', id).delete()) > 0;
  }
}
