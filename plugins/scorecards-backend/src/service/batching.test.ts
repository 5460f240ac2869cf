import type { Entity } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { MockLogger } from '@portico/test-utils';
import { EvaluationQueue } from './EvaluationQueue';
import { catalogFromApi } from './ScorecardsCatalog';

const refs = (n: number) => Array.from({ length: n }, (_, i) => `component:default/c${i}`);

describe('re-evaluating a first ingestion of 20,000 entities', () => {
  it('asks the catalog for at most 10,000 refs a call, and gets every entity back in order', async () => {
    const calls: number[] = [];
    const api = {
      async getEntitiesByRefs({ entityRefs }: { entityRefs: string[] }) {
        calls.push(entityRefs.length);
        // as the catalog's POST /entities/by-refs answers a bigger body
        if (entityRefs.length > 10_000) throw new Error('body.entityRefs: Too big: expected array to have <=10000 items');
        return { items: entityRefs.map(ref => (ref.endsWith('7') ? null : ({ metadata: { name: ref.split('/')[1] } } as Entity))) };
      },
    } as unknown as CatalogApi;
    const wanted = refs(25_000);
    const found = await catalogFromApi(api).getEntitiesByRefs(wanted);
    expect(found).toHaveLength(25_000);
    expect(found.map(e => e?.metadata.name ?? null)).toEqual(wanted.map(r => (r.endsWith('7') ? null : r.split('/')[1])));
    expect(Math.max(...calls)).toBeLessThanOrEqual(10_000);
    expect(await catalogFromApi(api).getEntitiesByRefs([])).toEqual([]);
  });

  it('re-evaluates a burst of 20,000 changed refs in slices, each once, and goes on after a slice fails', async () => {
    const seen: string[][] = [];
    const logger = new MockLogger();
    const queue = new EvaluationQueue(
      async batch => {
        seen.push(batch);
        if (seen.length === 2) throw new Error('the database went away');
      },
      logger,
      100,
    );
    queue.enqueue(refs(20_000));
    await queue.flush();
    expect(seen.length).toBeGreaterThan(1);
    expect(Math.max(...seen.map(b => b.length))).toBeLessThanOrEqual(10_000);
    expect(seen.flat().sort()).toEqual(refs(20_000).sort());
    expect(logger.lines.some(l => /failed/.test(l.message))).toBe(true);
  });
});
