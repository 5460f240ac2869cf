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
 */
export class GenerationCache {
  private generation = 0;
  private readonly cache = new Map<string, unknown>();
  private markerSeen?: string;

  constructor(private readonly marker?: ChangeMarker) {}

  /** Bumped on every committed write (and on every write another instance made, once seen). */
  getGeneration(): number {
    return this.generation;
  }

  /** After a committed write: forgets every cached read here at once, and tells the other instances. */
  async bump(): Promise<void> {
    this.invalidate();
    // a marker that cannot be moved (the database just went away) leaves the others to their next write
    await this.marker?.advance().catch(() => undefined);
  }

  private invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.marker) {
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
