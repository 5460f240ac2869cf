import { type IntegrationsService, type LoggerService } from '@portico/backend-plugin-api';
import { pathToFileURL } from 'node:url';
import { NotFoundError } from '@portico/errors';
import type { CatalogEntitiesChangedPayload, CatalogProcessor, EntityProvider } from '@portico/plugin-catalog-node';
import type { CatalogStore } from '../database/CatalogStore';
import { EntityQueries } from './EntityQueries';
import { DEFAULT_MAX_ENTITY_BYTES, processEntity, type EntityLimits } from './EntityProcessor';
import { IngestionService, type OrphanStrategy } from './IngestionService';
import type { KindRegistry } from './KindRegistry';
import { DEFAULT_LOCATION_READ_LIMITS, type LocationReadLimits } from './locations/LocationReader';
import { LocationService, type LocationSpec } from './locations/LocationService';
import { locateErrors, type ErrorSource, type ReportedError } from './locations/errorSources';
import { integrationsReader, toLocationUrl, trustedFileReader } from './locations/readers';
import { ProviderRegistry } from './ProviderRegistry';

export interface CatalogServiceOptions {
  store: CatalogStore;
  kinds: KindRegistry;
  integrations: IntegrationsService;
  logger: LoggerService;
  orphanStrategy: OrphanStrategy;
  rules?: Array<{ allow: string[] }>;
  maxFileBytes: number;
  /** `catalog.limits`; the defaults when absent. */
  limits?: LocationReadLimits & EntityLimits;
  onChanges?(changes: CatalogEntitiesChangedPayload): void | Promise<void>;
  /** Publishing changes failed; they stay in the outbox and are announced later. */
  onPublishFailed?(error: unknown, outboxRows: number): void;
  /** `catalog.processors`, run on every ingested entity before validation. */
  processors?: readonly CatalogProcessor[];
  cwd?: string;
}

const REMOTE_SOURCE_TTL_MS = 60_000;
const REMOTE_SOURCES_KEPT = 200;

/** The catalog's parts put together: ingestion, reads, providers and locations. */
export class CatalogService {
  readonly ingestion: IngestionService;
  readonly queries: EntityQueries;
  readonly providers: ProviderRegistry;
  readonly locations: LocationService;

  private readonly limits: LocationReadLimits & EntityLimits;
  /** The `file` locations of app-config, as URLs: their directories are read directly, like their reads. */
  private configFileUrls: string[] = [];
  private readonly remoteSources = new Map<string, { until: number; text: Promise<string | undefined> }>();

  constructor(private readonly options: CatalogServiceOptions) {
    const limits = options.limits ?? { ...DEFAULT_LOCATION_READ_LIMITS, maxEntityBytes: DEFAULT_MAX_ENTITY_BYTES };
    this.limits = limits;
    this.ingestion = new IngestionService({ store: options.store, kinds: options.kinds, orphanStrategy: options.orphanStrategy, limits, onChanges: options.onChanges, onPublishFailed: options.onPublishFailed, processors: options.processors });
    // ancestry resolves Location targets with the integrations' rules, as the location reader did
    this.queries = new EntityQueries(options.store, integrationsReader(options.integrations, options.maxFileBytes));
    this.providers = new ProviderRegistry(this.ingestion, options.logger);
    this.locations = new LocationService({
      store: options.store,
      ingestion: this.ingestion,
      providers: this.providers,
      kinds: options.kinds,
      integrations: options.integrations,
      logger: options.logger,
      rules: options.rules,
      maxFileBytes: options.maxFileBytes,
      limits,
      cwd: options.cwd,
    });
  }

  /** Connects the contributed providers and registers the locations (nothing is read yet). */
  async start(options: { providers: EntityProvider[]; locations: LocationSpec[] }): Promise<void> {
    this.options.kinds.freeze();
    for (const ref of await this.ingestion.removeEntitiesWithForbiddenKeys()) {
      this.options.logger.warn(`Removed ${ref}: it was stored with a __proto__, constructor or prototype key, which no entity may have`);
    }
    for (const provider of options.providers) await this.providers.connect(provider);
    this.configFileUrls = options.locations.filter(l => l.type === 'file').map(l => toLocationUrl(l.type, l.target, this.options.cwd));
    await this.locations.start(options.locations);
  }

  /** POST /refresh: the provider that owns the entity reads it again. */
  async refreshEntity(ref: string): Promise<void> {
    const row = await this.options.store.getRowByRef(ref);
    if (!row) throw new NotFoundError(`No entity named '${ref}' found`);
    const locationId = this.locations.idOfProvider(row.provider);
    if (locationId) await this.locations.refreshLocation(locationId);
    else await this.providers.refresh([row.locationKey ?? ref, ref], row.provider);
  }

  async locationOfEntity(ref: string) {
    const row = await this.options.store.getRowByRef(ref);
    if (!row) return undefined;
    const id = this.locations.idOfProvider(row.provider);
    return id ? (await this.locations.list()).find(l => l.id === id) : undefined;
  }

  /** Problems with their file, line, field and source line, each file read again once (as its location reads it). */
  locateErrors<T extends ReportedError>(errors: T[]): Promise<Array<T & ErrorSource>> {
    return locateErrors(errors, key => this.readSourceText(key));
  }

  private readSourceText(locationKey: string): Promise<string | undefined> {
    if (!locationKey.startsWith('url:')) return this.readSourceTextNow(locationKey);
    // remote files are kept a minute: the errors page and entity alerts would read them again on every view
    const now = Date.now();
    const cached = this.remoteSources.get(locationKey);
    if (cached && cached.until > now) return cached.text;
    const text = this.readSourceTextNow(locationKey).catch(() => undefined);
    this.remoteSources.delete(locationKey);
    this.remoteSources.set(locationKey, { until: now + REMOTE_SOURCE_TTL_MS, text });
    if (this.remoteSources.size > REMOTE_SOURCES_KEPT) this.remoteSources.delete(this.remoteSources.keys().next().value!);
    return text;
  }

  private async readSourceTextNow(locationKey: string): Promise<string | undefined> {
    const url = locationKey.startsWith('file:') ? pathToFileURL(locationKey.slice('file:'.length)).toString() : locationKey.startsWith('url:') ? locationKey.slice('url:'.length) : undefined;
    if (!url) return undefined;
    const viaIntegrations = integrationsReader(this.options.integrations, this.options.maxFileBytes);
    const root = url.startsWith('file:') ? this.configFileUrls.find(r => url.startsWith(r.slice(0, r.lastIndexOf('/') + 1))) : undefined;
    return (root ? trustedFileReader(root, viaIntegrations, this.options.maxFileBytes) : viaIntegrations).read(url);
  }

  /** The problems of an entity, each naming its field; empty when it is valid. */
  validateEntity(entity: unknown): string[] {
    const result = processEntity(entity, this.options.kinds, this.limits);
    return result.ok ? [] : result.errors;
  }
}
