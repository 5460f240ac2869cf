import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type IntegrationsService, type LoggerService } from '@portico/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@portico/errors';
import type { Entity } from '@portico/catalog-model';
import type { DeferredEntity, EntityProvider, EntityProviderConnection } from '@portico/plugin-catalog-node';
import type { CatalogStore, LocationRecord } from '../../database/CatalogStore';
import { formatError } from '../EntityQueries';
import { DEFAULT_MAX_ENTITY_BYTES, processEntity, type EntityLimits } from '../EntityProcessor';
import type { IngestionService } from '../IngestionService';
import type { KindRegistry } from '../KindRegistry';
import type { ProviderRegistry } from '../ProviderRegistry';
import {
  DEFAULT_LOCATION_READ_LIMITS,
  readLocation,
  streamLocation,
  type KindRule,
  type LocationReadLimits,
  type LocationStream,
  type ReadLocationResult,
} from './LocationReader';
import { integrationsReader, toLocationUrl, trustedFileReader } from './readers';
import { WORKER_PARSE_MIN_BYTES } from './yamlDocuments';
import { yieldToEventLoop } from '../../yieldToEventLoop';

export interface LocationSpec {
  type: 'file' | 'url';
  target: string;
  rules?: Array<{ allow: string[] }>;
}

export interface LocationInfo {
  id: string;
  type: string;
  target: string;
}

export interface LocationServiceOptions {
  store: CatalogStore;
  ingestion: IngestionService;
  providers: ProviderRegistry;
  kinds: KindRegistry;
  integrations: IntegrationsService;
  logger: LoggerService;
  /** `catalog.rules`; undefined: every kind is allowed. */
  rules?: Array<{ allow: string[] }>;
  maxFileBytes: number;
  /** `catalog.limits`: what reading a file and one entity may cost. */
  limits?: LocationReadLimits & EntityLimits;
  cwd?: string;
}

/** A problem met reading a location, as `POST /locations` answers it. */
export interface LocationReadError {
  entityRef?: string;
  locationKey: string;
  reason: string;
  message: string;
}

interface ManagedLocation {
  record: LocationRecord;
  origin: 'config' | 'api';
  url: string;
  provider: LocationProvider;
}

const providerName = (id: string) => `location:${id}`;

/** A failing location is read every 2^(failures-1) refreshes, and at least every this many. */
const MAX_BACKOFF_REFRESHES = 64;

/**
 * Why a read counts as failed for back-off: it stopped, a file could not be read (or was cut
 * short), or it recorded errors and yielded no entity at all. Bad entities among good ones are not a failure.
 */
function failureOf(result: { errors: Array<{ reason?: string; entityRef?: string; message: string }>; entityCount: number }): string | undefined {
  const read = result.errors.find(e => e.reason === 'read' && !e.entityRef);
  if (read) return read.message;
  if (result.entityCount === 0 && result.errors.length) return result.errors[0].message;
  return undefined;
}

/** One location as an entity provider: each read replaces everything it emitted before. */
export class LocationProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private previousKeys: string[] = [];
  constructor(private readonly id: string, private readonly read: () => LocationStream) {}
  getProviderName() {
    return providerName(this.id);
  }
  async connect(connection: EntityProviderConnection) {
    this.connection = connection;
  }
  async refresh() {
    await this.run();
  }
  /** Reads the location into the catalog, streaming; `collect` also returns what it emitted. */
  async run(options?: { collect?: boolean }): Promise<ReadLocationResult & { entityCount: number }> {
    const stream = this.read();
    const collected: DeferredEntity[] = [];
    let entityCount = 0;
    if (!this.connection) {
      for await (const chunk of stream.entities) collected.push(...chunk);
      return { entities: collected, errors: stream.errors, locationKeys: stream.locationKeys, entityCount: collected.length };
    }
    const entities = tap(stream.entities, chunk => {
      entityCount += chunk.length;
      if (options?.collect) collected.push(...chunk);
    });
    try {
      await this.connection.applyMutation({ type: 'full', entities });
    } catch (error) {
      // What was written stays and nothing was removed; the location says why its read stopped.
      const at = stream.locationKeys[stream.locationKeys.length - 1];
      if (at) {
        const message = `reading stopped at ${at}: ${(error as Error).message}; the entities read before were kept and none was removed`;
        await this.connection.reportErrors?.({ locationKeys: stream.locationKeys, errors: [...stream.errors, { locationKey: at, reason: 'read', message }] }).catch(() => undefined);
      }
      throw error;
    }
    // errors of files no longer read are cleared too
    const keys = [...new Set([...this.previousKeys, ...stream.locationKeys])];
    this.previousKeys = stream.locationKeys;
    await this.connection.reportErrors?.({ locationKeys: keys, errors: stream.errors });
    return { entities: collected, errors: stream.errors, locationKeys: stream.locationKeys, entityCount };
  }
}

async function* tap<T>(source: AsyncIterable<T>, see: (item: T) => void): AsyncGenerator<T> {
  for await (const item of source) {
    see(item);
    yield item;
  }
}

function allowSet(rules?: Array<{ allow: string[] }>): KindRule {
  if (!rules) return undefined;
  return new Set(rules.flatMap(r => r.allow.map(k => k.toLowerCase())));
}

/**
 * The files the first read will parse on a parser thread: `file` locations in config at least
 * `WORKER_PARSE_MIN_BYTES` long, as absolute paths, in config order. Unreadable targets count as small:
 * the read reports them.
 */
export function largeConfigFiles(locations: LocationSpec[], cwd?: string): string[] {
  return locations.flatMap(spec => {
    if (spec.type !== 'file') return [];
    try {
      const file = fileURLToPath(toLocationUrl(spec.type, spec.target, cwd));
      return fs.statSync(file).size >= WORKER_PARSE_MIN_BYTES ? [file] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Locations from config and from the API, each read as its own provider. The API's locations live in the
 * database, which every instance shares: each read of the list first brings this instance's providers in
 * line with it, so a location registered or removed on another instance is seen here at once.
 */
export class LocationService {
  private readonly locations = new Map<string, ManagedLocation>();
  /** The sync in progress, which later callers join rather than run a second one alongside. */
  private syncing?: Promise<void>;
  /** Locations whose last reads failed: how many in a row, and the refresh that reads them next. */
  private readonly failing = new Map<string, { failures: number; nextRefresh: number; reason: string }>();
  private refreshes = 0;
  private readonly limits: LocationReadLimits & EntityLimits;

  constructor(private readonly options: LocationServiceOptions) {
    this.limits = options.limits ?? { ...DEFAULT_LOCATION_READ_LIMITS, maxEntityBytes: DEFAULT_MAX_ENTITY_BYTES };
  }

  private kindRule(spec: { rules?: Array<{ allow: string[] }> }): KindRule {
    const global = allowSet(this.options.rules);
    const local = allowSet(spec.rules);
    if (!local) return global;
    return new Set([...(global ?? []), ...local]);
  }

  private reader(origin: 'config' | 'api', url: string) {
    const viaIntegrations = integrationsReader(this.options.integrations, this.options.maxFileBytes);
    return origin === 'config' ? trustedFileReader(url, viaIntegrations, this.options.maxFileBytes) : viaIntegrations;
  }

  private async manage(record: LocationRecord, origin: 'config' | 'api'): Promise<ManagedLocation> {
    const known = this.locations.get(record.id);
    if (known) return known; // a sync took it up from the database first
    const url = toLocationUrl(record.type, record.target, this.options.cwd);
    const rules = record.rules ? (JSON.parse(record.rules) as Array<{ allow: string[] }>) : undefined;
    const reader = this.reader(origin, url);
    const rule = this.kindRule({ rules });
    const provider = new LocationProvider(record.id, () => streamLocation(url, reader, rule, { limits: this.limits }));
    const managed = { record, origin, url, provider };
    this.locations.set(record.id, managed);
    await this.options.providers.connect(provider);
    return managed;
  }

  /** Registers config locations and the stored API locations (does not read them yet). */
  async start(configLocations: LocationSpec[]): Promise<void> {
    const configIds = new Set<string>();
    for (const [index, spec] of configLocations.entries()) {
      const id = createHash('sha1').update(`${spec.type}:${spec.target}`).digest('hex').slice(0, 32);
      if (configIds.has(id)) continue;
      configIds.add(id);
      this.reportMissingFile(spec, index);
      await this.manage({ id, type: spec.type, target: spec.target, rules: spec.rules ? JSON.stringify(spec.rules) : null, createdAt: 0 }, 'config');
    }
    await this.sync();
  }

  /**
   * Brings the API locations in line with the database: manages those another instance registered and
   * drops those another instance removed (their entities were removed there).
   */
  private sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        const stored = await this.options.store.listLocations();
        const ids = new Set(stored.map(r => r.id));
        for (const record of stored) {
          if (!this.locations.has(record.id)) await this.manage(record, 'api');
        }
        for (const [id, l] of this.locations) {
          if (l.origin === 'api' && !ids.has(id)) this.forget(id);
        }
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private forget(id: string): void {
    this.locations.delete(id);
    this.failing.delete(id);
    this.options.providers.disconnect(providerName(id));
  }

  /** A config location naming a file that is not there is a typo in app-config: say so where operators look. */
  private reportMissingFile(spec: LocationSpec, index: number): void {
    if (spec.type !== 'file') return;
    let file: string;
    try {
      file = fileURLToPath(toLocationUrl(spec.type, spec.target, this.options.cwd));
    } catch {
      return; // not a local path: reading it reports the problem
    }
    if (!fs.existsSync(file)) {
      this.options.logger.error(`Config location catalog.locations[${index}] names ${file}, which does not exist`);
    }
  }

  /**
   * Reads every location once (startup and the scheduled refresh). A location whose reads keep
   * failing is backed off: after n failures in a row it is read again 2^(n-1) refreshes later.
   */
  async refreshAll(): Promise<void> {
    await this.sync();
    const refresh = ++this.refreshes;
    for (const l of [...this.locations.values()]) {
      const id = l.record.id;
      const state = this.failing.get(id);
      if (state && refresh < state.nextRefresh) continue;
      let failure: string | undefined;
      try {
        failure = failureOf(await l.provider.run());
      } catch (error) {
        failure = (error as Error).message;
      }
      if (!this.locations.has(id)) continue; // removed while it was read
      if (!failure) {
        this.failing.delete(id);
        continue;
      }
      const failures = (state?.failures ?? 0) + 1;
      const wait = Math.min(2 ** (failures - 1), MAX_BACKOFF_REFRESHES);
      this.failing.set(id, { failures, nextRefresh: refresh + wait, reason: failure });
      this.options.logger.warn(`Reading location ${l.record.target} failed (${failures} in a row, next read in ${wait} refreshes): ${failure}`);
    }
  }

  async refreshLocation(id: string): Promise<void> {
    await this.sync();
    const l = this.locations.get(id);
    if (!l) throw new NotFoundError(`No location with id ${id}`);
    await l.provider.run();
  }

  /** The location that owns a provider name, if it is a location (this instance may learn of it at the next sync). */
  idOfProvider(name: string): string | undefined {
    return name.startsWith('location:') ? name.slice(9) : undefined;
  }

  async list(): Promise<LocationInfo[]> {
    await this.sync();
    return [...this.locations.values()].map(l => ({ id: l.record.id, type: l.record.type, target: l.record.target }));
  }

  async get(id: string) {
    await this.sync();
    const l = this.locations.get(id);
    if (!l) throw new NotFoundError(`No location with id ${id}`);
    const errors = await this.options.store.listErrors({ provider: providerName(id) });
    const failing = this.failing.get(id);
    return {
      id, type: l.record.type, target: l.record.target,
      origin: l.origin,
      status: {
        errors: errors.map(formatError),
        ...(failing ? { backoff: { failures: failing.failures, nextReadInRefreshes: Math.max(failing.nextRefresh - this.refreshes, 0), reason: failing.reason } } : {}),
      },
    };
  }

  /**
   * POST /locations: validates by reading; with dryRun stores nothing. Answers the valid entities and
   * the problems found (unreadable files, malformed or refused documents, invalid entities). A location registered
   * whose read yields no valid entity is removed again at once (nothing of it stays) and answered with
   * `refused: true`; the file is read once, not once to check and once to register.
   */
  async add(
    spec: { type: 'file' | 'url'; target: string },
    dryRun: boolean,
  ): Promise<{ location: LocationInfo; entities: Entity[]; errors: LocationReadError[]; exists?: boolean; refused?: boolean }> {
    const url = toLocationUrl(spec.type, spec.target, this.options.cwd);
    if (!this.options.integrations.providerFor(url)) {
      const host = url.startsWith('file:') ? 'file' : new URL(url).host;
      throw new InputError(`target: no integration serves ${host}; configure one under integrations`);
    }
    await this.sync();
    const existing = [...this.locations.values()].find(l => l.record.type === spec.type && l.record.target === spec.target);
    if (existing && !dryRun) throw new ConflictError(`Location ${spec.type}:${spec.target} already exists (${existing.record.id})`);
    // read the root file through the integrations first: unreadable or out-of-roots targets are the caller's error
    await this.options.integrations.readUrl(url, { maxBytes: this.options.maxFileBytes });
    if (dryRun) {
      const result = await readLocation(url, this.reader('api', url), this.kindRule({}), this.limits);
      return { location: { id: existing?.record.id ?? randomUUID(), type: spec.type, target: spec.target }, ...(await this.outcome(result)), exists: !!existing };
    }
    const record: LocationRecord = { id: randomUUID(), type: spec.type, target: spec.target, rules: null, createdAt: Date.now() };
    await this.options.store.insertLocation(record);
    const managed = await this.manage(record, 'api');
    const result = await managed.provider.run({ collect: true });
    const outcome = await this.outcome(result);
    const location = { id: record.id, type: record.type, target: record.target };
    if (outcome.entities.length === 0) {
      await this.remove(record.id); // nothing was ingested: this drops the record, the provider and its errors
      return { location, ...outcome, refused: true };
    }
    return { location, ...outcome };
  }

  /**
   * The valid entities of a read, and every problem it met, as the location's status shows them. A turn of the event
   * loop every few hundred entities: processing a 20,000-entity file's answer took a second of the thread at once.
   */
  private async outcome(result: ReadLocationResult): Promise<{ entities: Entity[]; errors: LocationReadError[] }> {
    const entities: Entity[] = [];
    const errors: LocationReadError[] = result.errors.map(e => ({ ...(e.entityRef ? { entityRef: e.entityRef } : {}), locationKey: e.locationKey, reason: e.reason ?? 'read', message: e.message }));
    for (const [i, d] of result.entities.entries()) {
      if (i > 0 && i % 250 === 0) await yieldToEventLoop();
      const processed = processEntity(d.entity, this.options.kinds, this.limits);
      if (processed.ok) entities.push(processed.value.entity);
      else {
        const entityRef = processed.entityRef ? { entityRef: processed.entityRef } : {};
        for (const message of processed.errors) errors.push({ ...entityRef, locationKey: d.locationKey ?? '', reason: 'validation', message });
      }
    }
    return { entities, errors };
  }

  async remove(id: string): Promise<void> {
    await this.sync();
    const l = this.locations.get(id);
    if (!l) throw new NotFoundError(`No location with id ${id}`);
    if (l.origin === 'config') throw new InputError(`id: location ${id} is configured in app-config (catalog.locations); remove it there`);
    await this.options.store.deleteLocation(id);
    this.forget(id);
    await this.options.ingestion.removeProvider(providerName(id));
  }
}
