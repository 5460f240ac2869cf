import type { DatabaseService } from '@portico/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** A saved choice: this PagerDuty service belongs to this entity. */
export interface ServiceMapping {
  account: string;
  serviceId: string;
  entityRef: string;
  mappedBy: string;
  mappedAt: string;
}

interface Row {
  account: string;
  service_id: string;
  entity_ref: string;
  mapped_by: string;
  mapped_at: number | string;
}

const toMapping = (r: Row): ServiceMapping => ({ account: r.account, serviceId: r.service_id, entityRef: r.entity_ref, mappedBy: r.mapped_by, mappedAt: new Date(Number(r.mapped_at)).toISOString() });

/** Saved service-to-entity mappings, in the plugin's database so every instance sees them. */
export class ServiceMappingStore {
  constructor(
    private readonly knex: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /** Maps a service to an entity, replacing an earlier choice for that service. */
  async save(mapping: Omit<ServiceMapping, 'mappedAt'>): Promise<ServiceMapping> {
    const row: Row = { account: mapping.account, service_id: mapping.serviceId, entity_ref: mapping.entityRef, mapped_by: mapping.mappedBy, mapped_at: this.now() };
    await this.knex('service_mappings').insert(row).onConflict(['account', 'service_id']).merge(['entity_ref', 'mapped_by', 'mapped_at']);
    return toMapping(row);
  }

  /** Forgets the mapping of a service; false when there was none. */
  async remove(options: { account: string; serviceId: string }): Promise<boolean> {
    return (await this.knex('service_mappings').where({ account: options.account, service_id: options.serviceId }).delete()) > 0;
  }

  /** The saved mapping of a service, if any. */
  async get(options: { account: string; serviceId: string }): Promise<ServiceMapping | undefined> {
    const row: Row | undefined = await this.knex('service_mappings').where({ account: options.account, service_id: options.serviceId }).first();
    return row ? toMapping(row) : undefined;
  }

  async list(account: string): Promise<ServiceMapping[]> {
    const rows: Row[] = await this.knex('service_mappings').where({ account }).orderBy('service_id');
    return rows.map(toMapping);
  }

  /** Every saved mapping of every account (the catalog turns them into annotations). */
  async listAll(): Promise<ServiceMapping[]> {
    const rows: Row[] = await this.knex('service_mappings').orderBy(['account', 'service_id']);
    return rows.map(toMapping);
  }

  /** The service saved for an entity (the most recent choice when several services were mapped to it). */
  async forEntity(entityRef: string): Promise<ServiceMapping | undefined> {
    const row: Row | undefined = await this.knex('service_mappings').where({ entity_ref: entityRef }).orderBy('mapped_at', 'desc').first();
    return row ? toMapping(row) : undefined;
  }
}
