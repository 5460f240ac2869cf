import type { LoggerService } from '@portico/backend-plugin-api';
import { DEFAULT_NAMESPACE, type Entity } from '@portico/catalog-model';
import type { CatalogProcessor } from '@portico/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_ACCOUNT,
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ANNOTATION_PAGERDUTY_SAVED_MAPPING,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
} from '@portico/plugin-pagerduty-common';
import type { ServiceMapping } from '../database/ServiceMappingStore';

/** How long a loaded set of mappings is used before it is read again in the background (changes arrive as events). */
const MAPPINGS_TTL_MS = 5 * 60_000;
/** After a failed read, entities go on without asking again for this long (a catalog of 10,000 entities asks once). */
const RETRY_AFTER_FAILURE_MS = 30_000;

/**
 * `catalog.processors`: gives an entity mapped to a PagerDuty service on the services page the annotations an entity
 * that names its service carries — `pagerduty.com/service-id`, `pagerduty.com/account` for another account, and
 * `pagerduty.com/saved-mapping: "true"` — so the card, the tab, the facts and every other reader see the mapping.
 * An entity whose own YAML names a service (by id or integration key) keeps it: the YAML wins.
 *
 * The mappings live in the pagerduty plugin's database, which this module (running in the catalog) cannot reach;
 * they are read through `GET /api/pagerduty/mappings` and kept in memory.
 */
export class SavedMappingProcessor implements CatalogProcessor {
  private byEntity?: Map<string, ServiceMapping>;
  private loadedAt = 0;
  private loading?: Promise<void>;
  /** An entity was let through without the mappings known: once they are, its mapped entities need refreshing. */
  private passedUnknown = false;
  /** Set at shutdown: a read waiting for the pagerduty plugin gives up at once. */
  private stopped = false;
  /** When the last read failed: no other is tried before RETRY_AFTER_FAILURE_MS. */
  private failedAt = -Infinity;

  constructor(
    private readonly deps: {
      readMappings(): Promise<ServiceMapping[]>;
      defaultAccountId: string | undefined;
      logger: LoggerService;
      /** Asked to refresh these entities when mappings first load after entities went through without them. */
      onRecovered?(entityRefs: string[]): void;
      /** How long the first read waits for the pagerduty plugin (its routes are mounted after the catalog's first read began). */
      firstReadWaitMs?: number;
      /** Whether the backend has started: from then on a failed read is not retried (the plugin is down or absent, or stopping). */
      started?(): boolean;
      now?(): number;
      wait?(ms: number): Promise<void>;
    },
  ) {}

  getProcessorName(): string {
    return 'pagerduty-saved-mappings';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    const ref = refOf(entity);
    if (!ref) return entity;
    const mappings = await this.current();
    if (!mappings) {
      this.passedUnknown = true;
      return entity;
    }
    const mapping = mappings.get(ref);
    const annotations = entity.metadata.annotations ?? {};
    if (!mapping || annotations[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim() || annotations[ANNOTATION_PAGERDUTY_INTEGRATION_KEY]?.trim()) return entity;
    const added: Record<string, string> = { [ANNOTATION_PAGERDUTY_SERVICE_ID]: mapping.serviceId, [ANNOTATION_PAGERDUTY_SAVED_MAPPING]: 'true' };
    if (mapping.account !== this.deps.defaultAccountId) added[ANNOTATION_PAGERDUTY_ACCOUNT] = mapping.account;
    return { ...entity, metadata: { ...entity.metadata, annotations: { ...annotations, ...added } } };
  }

  /** The backend is stopping: no more waiting for the pagerduty plugin (entities go on with what is known). */
  stop(): void {
    this.stopped = true;
  }

  /** Reads the mappings again now (a mapping was saved or forgotten). */
  async reload(): Promise<void> {
    this.loading = undefined;
    await this.load(0);
  }

  /** The mappings, loading them the first time (waiting a little for the pagerduty plugin) and refreshing them when old. */
  private async current(): Promise<Map<string, ServiceMapping> | undefined> {
    const now = (this.deps.now ?? Date.now)();
    if (now - this.failedAt < RETRY_AFTER_FAILURE_MS) {
      // PagerDuty's plugin failed to answer a moment ago: go on with what is known
    } else if (!this.byEntity) {
      await this.load(this.deps.firstReadWaitMs ?? 15_000).catch(() => undefined);
    } else if (now - this.loadedAt > MAPPINGS_TTL_MS) {
      // in the background: the entity goes on with what is known
      void this.load(0).catch(() => undefined);
    }
    return this.byEntity;
  }

  private load(waitMs: number): Promise<void> {
    this.loading ??= this.read(waitMs).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async read(waitMs: number): Promise<void> {
    const wait = this.deps.wait ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms)));
    const now = this.deps.now ?? Date.now;
    const until = now() + waitMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const started = this.deps.started?.() ?? false;
      try {
        const mappings = await this.deps.readMappings();
        const byEntity = new Map<string, ServiceMapping>();
        // The most recent choice when several services were mapped to one entity, as the summary route decides.
        for (const m of [...mappings].sort((a, b) => a.mappedAt.localeCompare(b.mappedAt))) byEntity.set(m.entityRef, m);
        this.byEntity = byEntity;
        this.loadedAt = now();
        this.failedAt = -Infinity;
        if (this.passedUnknown && byEntity.size > 0) this.deps.onRecovered?.([...byEntity.keys()]);
        this.passedUnknown = false;
        return;
      } catch (error) {
        if (started || this.stopped || now() + delay > until) {
          this.failedAt = now();
          this.deps.logger.warn(
            `Saved PagerDuty mappings could not be read (${(error as Error).message}); ${this.byEntity ? 'the last ones read are used' : 'entities are read without them until they can be'}`,
          );
          throw error;
        }
        await wait(delay);
      }
    }
  }
}

/** The ref of an entity not validated yet, lower-cased as refs are stored; undefined when it has no kind or name. */
function refOf(entity: Entity): string | undefined {
  const kind = entity?.kind;
  const name = entity?.metadata?.name;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  const namespace = typeof entity.metadata.namespace === 'string' && entity.metadata.namespace ? entity.metadata.namespace : DEFAULT_NAMESPACE;
  return `${kind}:${namespace}/${name}`.toLowerCase();
}
