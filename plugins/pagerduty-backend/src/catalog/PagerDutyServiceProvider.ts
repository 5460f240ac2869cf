import type { LoggerService } from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import type { EntityProvider, EntityProviderConnection, EntityProviderError } from '@portico/plugin-catalog-node';
import { ANNOTATION_PAGERDUTY_ACCOUNT, ANNOTATION_PAGERDUTY_SERVICE_ID } from '@portico/plugin-pagerduty-common';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PdService } from '../service/pagerdutyApiTypes';
import type { PagerDutyCatalogProviderConfig } from './config';

/** What one run found. */
export interface PagerDutyServiceCheck {
  /** Every service of the account, by id. */
  services: Array<{ id: string; name: string; htmlUrl: string }>;
  /** Entities of this account whose `pagerduty.com/service-id` names no service of it. */
  missing: Array<{ entityRef: string; serviceId: string }>;
}

/**
 * `catalog.providers.pagerduty.<id>`: lists the account's services and reports, as catalog errors on the
 * entities, `pagerduty.com/service-id` annotations naming a service the account does not have. It emits no
 * entities of its own.
 */
export class PagerDutyServiceProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private last?: PagerDutyServiceCheck;

  constructor(
    readonly config: PagerDutyCatalogProviderConfig,
    private readonly deps: { clients: PagerDutyClients; catalog: CatalogApi; catalogToken: () => Promise<string | undefined>; logger: LoggerService },
  ) {}

  getProviderName(): string {
    return `pagerduty-provider:${this.config.id}`;
  }

  /** Where its errors are recorded in the catalog. */
  get locationKey(): string {
    return `pagerduty:${this.config.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /** The services and missing ids of the last run, if any. */
  lastCheck(): PagerDutyServiceCheck | undefined {
    return this.last;
  }

  async run(): Promise<PagerDutyServiceCheck> {
    if (!this.connection) throw new Error(`${this.getProviderName()} is not connected to the catalog yet`);
    const client = this.deps.clients.forAccount(this.config.account);
    const isDefault = client.id === this.deps.clients.defaultAccountId;
    const services = await client.list<PdService>('/services', 'services', { what: 'the services' });
    const known = new Set(services.map(s => s.id));
    const token = await this.deps.catalogToken();
    const { items } = await this.deps.catalog.getEntities(
      { filter: { [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]: CATALOG_FILTER_EXISTS } },
      token ? { token } : undefined,
    );
    const ofThisAccount = (e: Entity) => {
      const account = e.metadata.annotations?.[ANNOTATION_PAGERDUTY_ACCOUNT]?.trim();
      return account ? account === client.id : isDefault;
    };
    const missing = items
      .filter(ofThisAccount)
      .map(e => ({ entityRef: stringifyEntityRef(e), serviceId: e.metadata.annotations?.[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim() ?? '' }))
      .filter(m => !known.has(m.serviceId))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    const errors: EntityProviderError[] = missing.map(m => ({
      locationKey: this.locationKey,
      entityRef: m.entityRef,
      reason: 'read',
      message: `${ANNOTATION_PAGERDUTY_SERVICE_ID} '${m.serviceId}' names no service of PagerDuty account '${client.id}'`,
    }));
    await this.connection.reportErrors?.({ locationKeys: [this.locationKey], errors });
    this.last = { services: services.map(s => ({ id: s.id, name: s.name, htmlUrl: s.html_url })), missing };
    this.deps.logger.info(`${this.getProviderName()}: ${services.length} services, ${missing.length} annotated ids that do not exist`);
    return this.last;
  }
}
