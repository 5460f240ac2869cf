import { RELATION_PAIRS } from '@portico/catalog-model';
import type { CatalogKind } from '@portico/plugin-catalog-node';

/** The kinds the catalog accepts and the relation pairs they bring. Frozen once the plugin starts. */
export class KindRegistry {
  private readonly byKind = new Map<string, CatalogKind>();
  private readonly reverse = new Map<string, string>();
  private frozen = false;

  constructor() {
    for (const pair of RELATION_PAIRS) this.addPair(pair);
  }

  add(kind: CatalogKind): void {
    if (this.frozen) throw new Error(`catalog.kinds: kind '${kind.kind}' added after the catalog started`);
    if (!kind || typeof kind.kind !== 'string' || !kind.kind) throw new Error('catalog.kinds: a kind needs a name');
    if (!Array.isArray(kind.apiVersions) || kind.apiVersions.length === 0) {
      throw new Error(`catalog.kinds: kind '${kind.kind}' needs at least one apiVersion`);
    }
    const key = kind.kind.toLowerCase();
    const existing = this.byKind.get(key);
    if (existing && existing !== kind) {
      // A later registration of the same kind extends its apiVersions only when the schema is the same object.
      throw new Error(`catalog.kinds: kind '${kind.kind}' is registered twice`);
    }
    this.byKind.set(key, kind);
    for (const pair of kind.relationPairs ?? []) this.addPair(pair);
  }

  private addPair([a, b]: [string, string]) {
    this.reverse.set(a, b);
    this.reverse.set(b, a);
  }

  freeze(): void {
    this.frozen = true;
  }

  get(kind: string): CatalogKind | undefined {
    return this.byKind.get(kind.toLowerCase());
  }

  has(kind: string): boolean {
    return this.byKind.has(kind.toLowerCase());
  }

  list(): CatalogKind[] {
    return [...this.byKind.values()];
  }

  /** The reverse of a relation type, or undefined for an unpaired one. */
  reverseOf(type: string): string | undefined {
    return this.reverse.get(type);
  }
}
