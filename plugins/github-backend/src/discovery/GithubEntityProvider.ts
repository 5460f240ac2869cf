import type { LoggerService } from '@portico/backend-plugin-api';
import type { DeferredEntity, EntityProvider, EntityProviderConnection } from '@portico/plugin-catalog-node';
import type { GithubClients } from '../integration/GithubClients';
import type { GithubDiscoveryConfig } from './config';
import { filterReason, readRepository, refOf, type RepositoryInfo, type RepositoryReadResult } from './readRepository';

/** The outcome of one discovery run, for logs, the preview route and the benchmark. */
export interface DiscoveryRunSummary {
  scanned: number;
  withFiles: number;
  entities: number;
  errors: number;
  skipped: Array<{ fullName: string; reason: string }>;
  /** Repositories whose read failed; their previously discovered entities were kept. */
  kept: string[];
  results: RepositoryReadResult[];
}

const CONCURRENCY = 8;

/** Runs `fn` over `items`, at most `limit` at a time. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Lists an organisation's repositories and reads their catalog files, without touching the catalog. */
export async function discoverOrganization(options: {
  clients: GithubClients;
  config: Pick<GithubDiscoveryConfig, 'organization' | 'host' | 'catalogPath' | 'filters' | 'branch'>;
  logger?: LoggerService;
}): Promise<DiscoveryRunSummary> {
  const { clients, config, logger } = options;
  const client = clients.forHost(config.host);
  const repos = (await client.paginate(client.rest.repos.listForOrg, { org: config.organization, per_page: 100, type: 'all' })) as RepositoryInfo[];
  const summary: DiscoveryRunSummary = { scanned: repos.length, withFiles: 0, entities: 0, errors: 0, skipped: [], kept: [], results: [] };
  const included = repos.filter(repo => {
    const reason = filterReason(repo, config.filters);
    if (reason) summary.skipped.push({ fullName: repo.full_name, reason });
    return !reason;
  });
  await mapLimit(included, CONCURRENCY, async repo => {
    try {
      const result = await readRepository({ client, host: config.host, repo, catalogPath: config.catalogPath, branch: config.branch });
      if (!result.locationKeys.length) summary.skipped.push({ fullName: repo.full_name, reason: 'no catalog file' });
      else summary.results.push(result);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404 || status === 409) {
        // Vanished (or emptied) while we listed: nothing to keep from it.
        summary.skipped.push({ fullName: repo.full_name, reason: status === 404 ? 'repository vanished' : 'empty repository' });
      } else {
        logger?.warn(`GitHub discovery could not read ${repo.full_name}: ${(error as Error).message}; keeping what was discovered before`);
        summary.kept.push(repo.full_name);
      }
    }
  });
  summary.results.sort((a, b) => a.fullName.localeCompare(b.fullName));
  summary.withFiles = summary.results.length;
  summary.entities = summary.results.reduce((n, r) => n + r.entities.length, 0);
  summary.errors = summary.results.reduce((n, r) => n + r.errors.length, 0);
  return summary;
}

/**
 * `catalog.providers.github.<id>`: the organisation's catalog files as a full mutation per run; single
 * repositories (webhooks, refresh) as delta mutations. A run that cannot list the organisation changes
 * nothing, and a repository that cannot be read keeps the entities it had.
 */
export class GithubEntityProvider implements EntityProvider {
  private connection: EntityProviderConnection | undefined;
  /** Per repository (lower-case full name): what the last read produced. */
  private readonly byRepo = new Map<string, { entities: DeferredEntity[]; locationKeys: string[] }>();
  private running: Promise<DiscoveryRunSummary | undefined> | undefined;

  constructor(
    readonly config: GithubDiscoveryConfig,
    private readonly clients: GithubClients,
    private readonly logger: LoggerService,
  ) {}

  getProviderName(): string {
    return `github-provider:${this.config.id}`;
  }

  get host(): string {
    return this.config.host;
  }

  get organization(): string {
    return this.config.organization;
  }

  /** Starts the first read as soon as the catalog connects; later reads come from the schedule and webhooks. */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    void this.run();
  }

  /** One full discovery; concurrent calls share the run in flight. */
  run(): Promise<DiscoveryRunSummary | undefined> {
    this.running ??= this.fullRun().finally(() => (this.running = undefined));
    return this.running;
  }

  private async fullRun(): Promise<DiscoveryRunSummary | undefined> {
    const connection = this.connection;
    if (!connection) return undefined;
    const started = Date.now();
    let summary: DiscoveryRunSummary;
    try {
      summary = await discoverOrganization({ clients: this.clients, config: this.config, logger: this.logger });
    } catch (error) {
      this.logger.error(`GitHub discovery of ${this.config.organization} on ${this.config.host} failed, the catalog keeps its entities: ${(error as Error).message}`);
      return undefined;
    }
    const fresh = new Map(summary.results.map(r => [r.fullName.toLowerCase(), { entities: r.entities, locationKeys: r.locationKeys }]));
    for (const kept of summary.kept) {
      const previous = this.byRepo.get(kept.toLowerCase());
      if (previous) fresh.set(kept.toLowerCase(), previous);
    }
    const entities = [...fresh.values()].flatMap(r => r.entities);
    await connection.applyMutation({ type: 'full', entities });
    const staleKeys = [...this.byRepo.values()].flatMap(r => r.locationKeys);
    const errors = summary.results.flatMap(r => r.errors);
    const keys = [...new Set([...staleKeys, ...summary.results.flatMap(r => r.locationKeys)])];
    if (keys.length) await connection.reportErrors?.({ locationKeys: keys, errors });
    this.byRepo.clear();
    for (const [k, v] of fresh) this.byRepo.set(k, v);
    this.logger.info(
      `GitHub discovery of ${this.config.organization}: ${summary.scanned} repositories, ${summary.withFiles} with catalog files, ${entities.length} entities, ${errors.length} errors in ${Date.now() - started} ms`,
    );
    return summary;
  }

  /** Whether this provider reads the repository `owner/name` on `host`. */
  owns(host: string, owner: string): boolean {
    return host === this.config.host && owner.toLowerCase() === this.config.organization.toLowerCase();
  }

  /**
   * A webhook's delta waits for a full run in flight: until that run has recorded what each repository
   * produced, a removal would find nothing to remove, and the run's older view would overwrite the delta.
   */
  private async afterRunInFlight(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Reads one repository again and applies the difference as a delta mutation. */
  async refreshRepository(repo: RepositoryInfo): Promise<void> {
    await this.afterRunInFlight();
    const connection = this.connection;
    if (!connection) return;
    const key = repo.full_name.toLowerCase();
    if (filterReason(repo, this.config.filters)) return this.removeRepository(repo.full_name);
    const client = this.clients.forHost(this.config.host);
    const result = await readRepository({ client, host: this.config.host, repo, catalogPath: this.config.catalogPath, branch: this.config.branch });
    const previous = this.byRepo.get(key) ?? { entities: [], locationKeys: [] };
    const newRefs = new Set(result.entities.map(refOf));
    const removed = previous.entities
      .filter(e => !newRefs.has(refOf(e)))
      .map(e => ({ entityRef: refOf(e)!, locationKey: e.locationKey }))
      .filter(e => e.entityRef);
    await connection.applyMutation({ type: 'delta', added: result.entities, removed });
    const keys = [...new Set([...previous.locationKeys, ...result.locationKeys])];
    if (keys.length) await connection.reportErrors?.({ locationKeys: keys, errors: result.errors });
    if (result.locationKeys.length) this.byRepo.set(key, { entities: result.entities, locationKeys: result.locationKeys });
    else this.byRepo.delete(key);
  }

  /** Removes everything a repository contributed (deleted, archived, renamed away, filtered out). */
  async removeRepository(fullName: string): Promise<void> {
    await this.afterRunInFlight();
    const key = fullName.toLowerCase();
    const previous = this.byRepo.get(key);
    if (!previous || !this.connection) return;
    const removed = previous.entities.map(e => ({ entityRef: refOf(e)!, locationKey: e.locationKey })).filter(e => e.entityRef);
    await this.connection.applyMutation({ type: 'delta', added: [], removed });
    await this.connection.reportErrors?.({ locationKeys: previous.locationKeys, errors: [] });
    this.byRepo.delete(key);
  }

  /** Location keys or refs named in `POST /refresh`: re-read the repositories they belong to. */
  async refresh(keys: string[]): Promise<void> {
    const repos = new Set<string>();
    for (const [name, entry] of this.byRepo) {
      const refs = entry.entities.map(refOf);
      if (keys.some(k => entry.locationKeys.includes(k) || refs.includes(k.toLowerCase()))) repos.add(name);
    }
    const client = this.clients.forHost(this.config.host);
    for (const fullName of repos) {
      const [owner, repo] = fullName.split('/');
      try {
        const { data } = await client.rest.repos.get({ owner, repo });
        await this.refreshRepository(data as RepositoryInfo);
      } catch (error) {
        if ((error as { status?: number }).status === 404) await this.removeRepository(fullName);
        else throw error;
      }
    }
  }
}
