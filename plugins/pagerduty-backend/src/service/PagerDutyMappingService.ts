import type { EventsService } from '@portico/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { NotFoundError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { CATALOG_FILTER_EXISTS } from '@portico/plugin-catalog-common';
import {
  ANNOTATION_PAGERDUTY_ACCOUNT,
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ANNOTATION_PAGERDUTY_SAVED_MAPPING,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  entityNameForService,
  type PagerDutyServiceList,
} from '@portico/plugin-pagerduty-common';
import type { ServiceMapping, ServiceMappingStore } from '../database/ServiceMappingStore';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PagerDutyEntityService } from './PagerDutyEntityService';
import { PAGERDUTY_MAPPING_CHANGED_TOPIC, type PagerDutyMappingChangedEvent } from './mappingEvents';

/**
 * The services page: an account's services with the entity each belongs to (by annotation, or by a saved choice),
 * suggestions by name for the others, and saving or forgetting a choice. Catalog reads use the caller's token.
 */
export class PagerDutyMappingService {
  constructor(
    private readonly deps: {
      clients: PagerDutyClients;
      entities: PagerDutyEntityService;
      store: ServiceMappingStore;
      catalog: CatalogApi;
      /** Told of every saved or forgotten mapping (`pagerduty.mapping.changed`), so the catalog refreshes the entities. */
      events?: EventsService;
    },
  ) {}

  private async changed(event: PagerDutyMappingChangedEvent): Promise<void> {
    await this.deps.events?.publish({ topic: PAGERDUTY_MAPPING_CHANGED_TOPIC, payload: event, metadata: { plugin: 'pagerduty' } });
  }

  async listServices(options: { account?: string; token?: string }): Promise<PagerDutyServiceList> {
    const client = this.deps.clients.forAccount(options.account);
    const isDefault = client.id === this.deps.clients.defaultAccountId;
    const catalogOptions = options.token ? { token: options.token } : undefined;
    const [services, saved, annotated] = await Promise.all([
      this.deps.entities.listServices(client),
      this.deps.store.list(client.id),
      // Either annotation maps an entity (a list of filters means any).
      this.deps.catalog.getEntities(
        {
          filter: [
            { [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]: CATALOG_FILTER_EXISTS },
            { [`metadata.annotations.${ANNOTATION_PAGERDUTY_INTEGRATION_KEY}`]: CATALOG_FILTER_EXISTS },
          ],
        },
        catalogOptions,
      ),
    ]);
    // An annotation the catalog added from a saved mapping is that mapping, not the entity's own annotation.
    const ofAccount = annotated.items.filter(entity => {
      if (entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_SAVED_MAPPING]) return false;
      const account = entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_ACCOUNT]?.trim();
      return account ? account === client.id : isDefault;
    });
    // Integration keys are resolved only when an entity names one (one cached list of the services' integrations).
    const keyed = ofAccount.some(e => !e.metadata.annotations?.[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim() && e.metadata.annotations?.[ANNOTATION_PAGERDUTY_INTEGRATION_KEY]?.trim());
    const serviceOfKey = keyed ? await this.deps.entities.integrationKeys(client) : {};
    const byAnnotation = new Map<string, { entityRef: string; via: 'service-id' | 'integration-key' }>();
    for (const entity of ofAccount) {
      const annotations = entity.metadata.annotations ?? {};
      const id = annotations[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim();
      const key = annotations[ANNOTATION_PAGERDUTY_INTEGRATION_KEY]?.trim();
      const serviceId = id || (key ? serviceOfKey[key] : undefined);
      if (serviceId && !byAnnotation.has(serviceId)) byAnnotation.set(serviceId, { entityRef: stringifyEntityRef(entity), via: id ? 'service-id' : 'integration-key' });
    }
    const bySaved = new Map(saved.map(m => [m.serviceId, m]));
    const unmapped = services.filter(s => !byAnnotation.has(s.id) && !bySaved.has(s.id));
    const names = [...new Set(unmapped.map(s => entityNameForService(s.name)).filter(Boolean))];
    const components = names.length
      ? (await this.deps.catalog.getEntities({ filter: { kind: 'component', 'metadata.name': names } }, catalogOptions)).items
      : [];
    const componentByName = new Map(components.map(c => [c.metadata.name.toLowerCase(), stringifyEntityRef(c)]));
    return {
      account: client.id,
      items: services.map(s => {
        const annotation = byAnnotation.get(s.id);
        const choice = bySaved.get(s.id);
        const mapping = annotation
          ? { entityRef: annotation.entityRef, via: 'annotation' as const, annotation: annotation.via === 'service-id' ? ANNOTATION_PAGERDUTY_SERVICE_ID : ANNOTATION_PAGERDUTY_INTEGRATION_KEY }
          : choice
            ? { entityRef: choice.entityRef, via: 'saved' as const, mappedBy: choice.mappedBy, mappedAt: choice.mappedAt }
            : null;
        return { id: s.id, name: s.name, htmlUrl: s.htmlUrl, mapping, suggestion: mapping ? null : (componentByName.get(entityNameForService(s.name)) ?? null) };
      }),
    };
  }

  /** Saves that a service belongs to an entity; both must exist (the entity as the caller sees it). */
  async saveMapping(options: { account: string; serviceId: string; entityRef: string; mappedBy: string; token?: string }): Promise<ServiceMapping> {
    const client = this.deps.clients.forAccount(options.account);
    const entityRef = stringifyEntityRef(parseEntityRef(options.entityRef, { defaultKind: 'component', defaultNamespace: 'default' })).toLowerCase();
    const entity = await this.deps.catalog.getEntityByRef(entityRef, options.token ? { token: options.token } : undefined);
    if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    // A 404 from PagerDuty names the service.
    await this.deps.entities.getServiceOf(client, options.serviceId);
    const previous = await this.deps.store.get({ account: client.id, serviceId: options.serviceId });
    const saved = await this.deps.store.save({ account: client.id, serviceId: options.serviceId, entityRef, mappedBy: options.mappedBy });
    const entityRefs = previous && previous.entityRef !== entityRef ? [entityRef, previous.entityRef] : [entityRef];
    await this.changed({ account: client.id, serviceId: options.serviceId, entityRefs });
    return saved;
  }

  async removeMapping(options: { account: string; serviceId: string }): Promise<void> {
    const client = this.deps.clients.forAccount(options.account);
    const previous = await this.deps.store.get({ account: client.id, serviceId: options.serviceId });
    if (!previous || !(await this.deps.store.remove({ account: client.id, serviceId: options.serviceId }))) {
      throw new NotFoundError(`PagerDuty service ${options.serviceId} of account '${client.id}' has no saved mapping`);
    }
    await this.changed({ account: client.id, serviceId: options.serviceId, entityRefs: [previous.entityRef] });
  }

  /** Every saved mapping of every account, for the catalog module that turns them into annotations. */
  listSaved(): Promise<ServiceMapping[]> {
    return this.deps.store.listAll();
  }
}
