import type { CacheStore } from './CacheStore';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * In-process store with TTL and a size limit: past `maxEntries`, the least recently used
 * entries go first (a Map keeps insertion order; a read re-inserts the entry).
 */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: { maxEntries?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: ttlMs > 0 ? this.now() + ttlMs : Number.POSITIVE_INFINITY });
    this.evict();
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private evict(): void {
    const max = this.options.maxEntries ?? 10_000;
    if (this.entries.size <= max) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(key);
    }
  }
}
