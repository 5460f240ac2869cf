import type { Knex } from 'knex';
import { yieldToEventLoop } from '../yieldToEventLoop';
import type { CatalogDialect } from './CatalogDialect';
import type { GenerationCache } from './GenerationCache';

/**
 * Stitching: recomputes the served relations of entities whose own or incoming relations changed and
 * stores them as JSON on the entity rows, so reads never join the relations table. The database
 * builds the JSON (one statement per few hundred entities); nothing crosses into JavaScript.
 */
export class Stitcher {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: CatalogDialect,
    private readonly cache: GenerationCache,
    private readonly chunkSize: number,
  ) {}

  /**
   * `wholeTable`: every entity there is was touched (a bulk load), so the dialect may stitch all in one pass.
   * `chunkSize`: refs per transaction (the store's chunk size unless smaller); `between` is awaited between two
   * (default: a turn of the event loop).
   */
  async stitch(refs: string[], options?: { wholeTable?: boolean; chunkSize?: number; between?: () => Promise<void> }): Promise<void> {
    if (options?.wholeTable && this.dialect.stitchWholeTable) {
      await this.dialect.stitchWholeTable(this.knex);
      await this.cache.bump();
      return;
    }
    const size = Math.min(options?.chunkSize ?? this.chunkSize, this.chunkSize);
    for (let i = 0; i < refs.length; i += size) {
      if (i > 0) await (options?.between ? options.between() : yieldToEventLoop());
      await this.dialect.stitchChunk(this.knex, refs.slice(i, i + size));
      await this.cache.bump();
    }
    await yieldToEventLoop();
  }
}
