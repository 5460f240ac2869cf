import { stringifyEntityRef } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import { ANNOTATION_PAGERDUTY_ACCOUNT, ANNOTATION_PAGERDUTY_INTEGRATION_KEY, ANNOTATION_PAGERDUTY_SERVICE_ID } from '@portico/plugin-pagerduty-common';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PagerDutyEntityService } from '../service/PagerDutyEntityService';

/** A PagerDuty service and the entities mapped to it. */
export interface MappedService {
  account: string;
  serviceId: string;
  entityRefs: string[];
}

/**
 * Every PagerDuty service some entity is mapped to, by `pagerduty.com/service-id` (which the catalog also sets from
 * mappings saved on the services page) or `pagerduty.com/integration-key`; `pagerduty.com/account` picks the account.
 * Entities naming an account that is not configured, or a key no service has, are left out. Sorted by account and id.
 */
export async function mappedServices(deps: { catalog: CatalogApi; clients: PagerDutyClients; service: PagerDutyEntityService; token?: string }): Promise<MappedService[]> {
  const { items } = await deps.catalog.getEntities(
    {
      filter: [
        { [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]: CATALOG_FILTER_EXISTS },
        { [`metadata.annotations.${ANNOTATION_PAGERDUTY_INTEGRATION_KEY}`]: CATALOG_FILTER_EXISTS },
      ],
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations'],
    },
    deps.token ? { token: deps.token } : undefined,
  );
  const configured = new Set(deps.clients.accounts.map(a => a.id));
  const byService = new Map<string, MappedService>();
  const keysOf = new Map<string, Promise<Record<string, string>>>();
  for (const entity of items) {
    const annotations = entity.metadata.annotations ?? {};
    const account = annotations[ANNOTATION_PAGERDUTY_ACCOUNT]?.trim() || deps.clients.defaultAccountId;
    if (!account || !configured.has(account)) continue;
    let serviceId = annotations[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim();
    const key = annotations[ANNOTATION_PAGERDUTY_INTEGRATION_KEY]?.trim();
    if (!serviceId && key) {
      // one cached list of the account's integrations, however many entities name a key
      if (!keysOf.has(account)) keysOf.set(account, deps.service.integrationKeys(deps.clients.forAccount(account)).catch(() => ({})));
      serviceId = (await keysOf.get(account)!)[key];
    }
    if (!serviceId) continue;
    const id = `${account}/${serviceId}`;
    const mapped = byService.get(id) ?? { account, serviceId, entityRefs: [] };
    mapped.entityRefs.push(stringifyEntityRef(entity));
    byService.set(id, mapped);
  }
  return [...byService.values()]
    .map(s => ({ ...s, entityRefs: [...new Set(s.entityRefs)].sort() }))
    .sort((a, b) => a.account.localeCompare(b.account) || a.serviceId.localeCompare(b.serviceId));
}
