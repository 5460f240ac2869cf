import type { LoggerService } from '@portico/backend-plugin-api';
import { stringifyEntityRef } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import type { EntityProvider, EntityProviderConnection, EntityProviderError } from '@portico/plugin-catalog-node';
import { ANNOTATION_JIRA_PROJECT_KEY } from '@portico/plugin-jira-common';
import type { JiraClients } from '../integration/JiraClients';
import { mappingJql, mappingOf } from '../jql';
import { errorKind } from '../service/JiraEntityService';

/** What one run found. */
export interface JiraMappingCheck {
  checked: number;
  /** Entities whose mapping Jira rejects (`invalid-jql`, `project-not-found`) or whose annotation is malformed (`invalid-annotation`). */
  errors: Array<{ entityRef: string; kind: string; message: string }>;
  /** Sites that could not be asked (their entities keep the errors of the previous run). */
  unavailable: string[];
}

/**
 * `jira-mapping-check`: asks Jira to count each annotated entity's issues with the entity's JQL, and reports as
 * catalog errors on the entities a `jira/jql` Jira rejects, a `jira/project-key` it does not know (or the
 * credentials cannot see) and malformed annotations. It emits no entities of its own.
 */
export class JiraMappingCheckProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private previous = new Map<string, EntityProviderError & { host: string; kind: string }>();

  constructor(private readonly deps: { clients: JiraClients; catalog: CatalogApi; catalogToken: () => Promise<string | undefined>; logger: LoggerService; concurrency?: number }) {}

  getProviderName(): string {
    return 'jira-mapping-check';
  }

  readonly locationKey = 'jira:mapping-check';

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  async run(): Promise<JiraMappingCheck> {
    if (!this.connection) throw new Error(`${this.getProviderName()} is not connected to the catalog yet`);
    const token = await this.deps.catalogToken();
    const { items } = await this.deps.catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_JIRA_PROJECT_KEY}`]: CATALOG_FILTER_EXISTS } }, token ? { token } : undefined);
    const errors = new Map<string, EntityProviderError & { host: string; kind: string }>();
    const unavailable = new Set<string>();
    const report = (entityRef: string, host: string, message: string, kind = 'invalid-annotation') => errors.set(entityRef, { locationKey: this.locationKey, entityRef, reason: 'read', message, host, kind });
    const work = items.map(entity => async () => {
      const entityRef = stringifyEntityRef(entity);
      let mapping;
      try {
        mapping = mappingOf(entity, entityRef);
      } catch (error) {
        report(entityRef, '', (error as Error).message);
        return;
      }
      if (!mapping) return;
      let client;
      try {
        client = this.deps.clients.forHost(mapping.host);
      } catch (error) {
        report(entityRef, mapping.host ?? '', `${entityRef}: ${(error as Error).message}`);
        return;
      }
      if (unavailable.has(client.host)) return;
      try {
        await client.count({ jql: mappingJql(mapping), what: `the issues of ${entityRef}` });
      } catch (error) {
        const kind = errorKind(error);
        if (kind === 'invalid-jql' || kind === 'project-not-found') report(entityRef, client.host, (error as Error).message, kind);
        else unavailable.add(client.host);
      }
    });
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 4, work.length) }, async () => {
      while (next < work.length) await work[next++]();
    }));
    // A site that could not be asked keeps its entities' previous errors.
    for (const [entityRef, error] of this.previous) if (unavailable.has(error.host) && !errors.has(entityRef)) errors.set(entityRef, error);
    this.previous = errors;
    const list = [...errors.values()].sort((a, b) => (a.entityRef ?? '').localeCompare(b.entityRef ?? ''));
    await this.connection.reportErrors?.({ locationKeys: [this.locationKey], errors: list.map(({ host: _host, kind: _kind, ...e }) => e) });
    this.deps.logger.info(`${this.getProviderName()}: ${items.length} mapped entities, ${list.length} with a mapping Jira rejects${unavailable.size ? `; not reachable: ${[...unavailable].join(', ')}` : ''}`);
    return {
      checked: items.length,
      errors: list.map(e => ({ entityRef: e.entityRef ?? '', kind: e.kind, message: e.message })),
      unavailable: [...unavailable],
    };
  }
}
