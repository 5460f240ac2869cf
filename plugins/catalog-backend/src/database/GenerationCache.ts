/** Reads cached until the next committed write: `bump` after every write, `cached` around counts and facets. */
export class GenerationCache {
  private generation = 0;
  private readonly cache = new Map<string, unknown>();

  /** Bumped on every committed write. */
  getGeneration(): number {
    return this.generation;
  }

  bump(): void {
    this.generation++;
    this.cache.clear();
  }

  cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
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
