import type { LoggerService } from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import type { EntityProvider, EntityProviderConnection, EntityProviderError } from '@portico/plugin-catalog-node';
import { ANNOTATION_PAGERDUTY_ACCOUNT, ANNOTATION_PAGERDUTY_INTEGRATION_KEY, ANNOTATION_PAGERDUTY_SERVICE_ID } from '@portico/plugin-pagerduty-common';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PdService } from '../service/pagerdutyApiTypes';
import type { PagerDutyCatalogProviderConfig } from './config';

/** What one run found. */
export interface PagerDutyServiceCheck {
  /** Every service of the account, by id. */
  services: Array<{ id: string; name: string; htmlUrl: string }>;
  /** Entities of this account whose `pagerduty.com/service-id` names no service of it. */
  missing: Array<{ entityRef: string; serviceId: string }>;
  /** Entities of this account whose `pagerduty.com/integration-key` (without a service id) matches no integration of its services. */
  missingKeys: Array<{ entityRef: string; integrationKey: string }>;
}

/**
 * `catalog.providers.pagerduty.<id>`: lists the account's services (with their integrations) and reports, as catalog
 * errors on the entities, `pagerduty.com/service-id` annotations naming a service the account does not have and
 * `pagerduty.com/integration-key` annotations matching none of its integrations. It emits no entities of its own.
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
    const services = await client.list<PdService>('/services', 'services', { query: { 'include[]': ['integrations'] }, what: 'the services and their integrations' });
    const known = new Set(services.map(s => s.id));
    const keys = new Set(services.flatMap(s => (s.integrations ?? []).map(i => i.integration_key).filter((k): k is string => Boolean(k))));
    const token = await this.deps.catalogToken();
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: [
          { [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]: CATALOG_FILTER_EXISTS },
          { [`metadata.annotations.${ANNOTATION_PAGERDUTY_INTEGRATION_KEY}`]: CATALOG_FILTER_EXISTS },
        ],
      },
      token ? { token } : undefined,
    );
    const ofThisAccount = (e: Entity) => {
      const account = e.metadata.annotations?.[ANNOTATION_PAGERDUTY_ACCOUNT]?.trim();
      return account ? account === client.id : isDefault;
    };
    const annotated = items.filter(ofThisAccount).map(e => ({
      entityRef: stringifyEntityRef(e),
      serviceId: e.metadata.annotations?.[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim() ?? '',
      integrationKey: e.metadata.annotations?.[ANNOTATION_PAGERDUTY_INTEGRATION_KEY]?.trim() ?? '',
    }));
    const byRef = (a: { entityRef: string }, b: { entityRef: string }) => a.entityRef.localeCompare(b.entityRef);
    // A service id wins over an integration key, as when the card resolves the entity's service.
    const missing = annotated.filter(a => a.serviceId && !known.has(a.serviceId)).map(({ entityRef, serviceId }) => ({ entityRef, serviceId })).sort(byRef);
    const missingKeys = annotated
      .filter(a => !a.serviceId && a.integrationKey && !keys.has(a.integrationKey))
      .map(({ entityRef, integrationKey }) => ({ entityRef, integrationKey }))
      .sort(byRef);
    const errors: EntityProviderError[] = [
      ...missing.map(m => ({
        locationKey: this.locationKey,
        entityRef: m.entityRef,
        reason: 'read' as const,
        message: `${ANNOTATION_PAGERDUTY_SERVICE_ID} '${m.serviceId}' names no service of PagerDuty account '${client.id}'`,
      })),
      ...missingKeys.map(m => ({
        locationKey: this.locationKey,
        entityRef: m.entityRef,
        reason: 'read' as const,
        // The key can trigger incidents: only its first characters are shown.
        message: `${ANNOTATION_PAGERDUTY_INTEGRATION_KEY} '${m.integrationKey.slice(0, 6)}…' matches no integration of a service of PagerDuty account '${client.id}'`,
      })),
    ];
    await this.connection.reportErrors?.({ locationKeys: [this.locationKey], errors });
    this.last = { services: services.map(s => ({ id: s.id, name: s.name, htmlUrl: s.html_url })), missing, missingKeys };
    this.deps.logger.info(`${this.getProviderName()}: ${services.length} services, ${missing.length} annotated ids and ${missingKeys.length} integration keys that do not exist`);
    return this.last;
  }
}
