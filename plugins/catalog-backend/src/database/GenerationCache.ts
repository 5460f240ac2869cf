import type { Knex } from 'knex';

/**
 * What tells instances sharing one database that one of them wrote: `advance` after a committed write,
 * `read` before answering from the cache. Without one (SQLite, one instance per data dir) only local
 * writes invalidate.
 */
export interface ChangeMarker {
  advance(): Promise<void>;
  read(): Promise<string>;
}

/** The sequence `catalog_change_marker` (its own migration): moving it neither blocks nor is rolled back. */
export function pgChangeMarker(knex: Knex): ChangeMarker {
  return {
    async advance() {
      await knex.raw(`SELECT nextval('catalog_change_marker')`);
    },
    async read() {
      const { rows } = (await knex.raw('SELECT last_value, is_called FROM catalog_change_marker')) as { rows: Array<{ last_value: string; is_called: boolean }> };
      return `${rows[0].last_value}:${rows[0].is_called}`;
    },
  };
}

/**
 * Reads cached until the next committed write: `bump` after every write, `cached` around counts and
 * facets. With a change marker, a write on another instance (the marker moved) empties the cache too.
 *
 * Why another instance cannot answer stale counts after a write here (issue 18, "caches that agree"): every
 * `cached` read first reads the shared marker (one sequence read on PostgreSQL), so the owner of the cache is the
 * database itself, not an event that could be missed or arrive late; a marker this instance could not move (the
 * database went away right after the commit) is moved by its next read or write. Checked by
 * test/instances/cachesAcrossInstances.test.ts.
 */
export class GenerationCache {
  private generation = 0;
  private readonly cache = new Map<string, unknown>();
  private markerSeen?: string;
  /** A committed write whose marker move failed: the other instances have not been told yet. */
  private advancePending = false;

  constructor(private readonly marker?: ChangeMarker) {}

  /** Bumped on every committed write (and on every write another instance made, once seen). */
  getGeneration(): number {
    return this.generation;
  }

  /** After a committed write: forgets every cached read here at once, and tells the other instances. */
  async bump(): Promise<void> {
    this.invalidate();
    await this.advanceMarker();
  }

  /** Moves the marker; one that cannot be moved now (the database just went away) is moved by the next read or write. */
  private async advanceMarker(): Promise<void> {
    if (!this.marker) return;
    try {
      await this.marker.advance();
      this.advancePending = false;
    } catch {
      this.advancePending = true;
    }
  }

  private invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.marker) {
      if (this.advancePending) await this.advanceMarker();
      const seen = await this.marker.read();
      if (seen !== this.markerSeen) {
        if (this.markerSeen !== undefined) this.invalidate();
        this.markerSeen = seen;
      }
    }
    const hit = this.cache.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const generation = this.generation;
    const p = compute();
    this.cache.set(key, p);
    p.then(
      () => { if (this.generation !== generation) this.cache.delete(key); },
      () => this.cache.delete(key),
    );
    if (this.cache.size > 500) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }
}
