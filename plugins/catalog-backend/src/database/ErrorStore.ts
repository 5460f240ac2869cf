import type { Knex } from 'knex';
import type { CatalogDialect } from './CatalogDialect';
import type { ErrorRecord } from './catalogRecords';

/** catalog_errors: what reading, parsing and validating entities went wrong with, per provider. */
export class ErrorStore {
  constructor(private readonly knex: Knex, private readonly dialect: CatalogDialect) {}

  async listErrors(options?: { provider?: string; locationKeys?: string[]; entityRef?: string }): Promise<ErrorRecord[]> {
    const q = this.knex('catalog_errors').orderBy('id');
    if (options?.provider) q.where('provider', options.provider);
    if (options?.locationKeys) q.whereIn('location_key', options.locationKeys);
    if (options?.entityRef) q.where('entity_ref', options.entityRef);
    const rows = await q;
    return rows.map(r => ({
      id: Number(r.id), provider: r.provider, locationKey: r.location_key ?? null, type: r.type,
      entityRef: r.entity_ref ?? null, message: r.message, inputHash: r.input_hash ?? null, at: Number(r.at),
    }));
  }

  /** Replaces the errors of a provider (optionally only of some types or location keys). */
  async replaceErrors(
    scope: { provider: string; types: ErrorRecord['type'][]; locationKeys?: string[]; entityRefs?: string[] },
    errors: ErrorRecord[],
  ): Promise<void> {
    await this.knex.transaction(async trx => {
      const q = trx('catalog_errors').where('provider', scope.provider).whereIn('type', scope.types);
      if (scope.locationKeys) q.whereIn('location_key', scope.locationKeys);
      if (scope.entityRefs) q.whereIn('entity_ref', scope.entityRefs);
      await q.delete();
      await this.dialect.insertMany(trx, 'catalog_errors', [
        { name: 'provider', pgType: 'text' }, { name: 'location_key', pgType: 'text' }, { name: 'type', pgType: 'text' },
        { name: 'entity_ref', pgType: 'text' }, { name: 'message', pgType: 'text' }, { name: 'input_hash', pgType: 'text' },
        { name: 'at', pgType: 'bigint' },
      ], errors.map(e => [e.provider, e.locationKey, e.type, e.entityRef, e.message, e.inputHash, e.at]));
    });
  }

  async deleteErrorsOfProvider(provider: string): Promise<void> {
    await this.knex('catalog_errors').where('provider', provider).delete();
  }
}
