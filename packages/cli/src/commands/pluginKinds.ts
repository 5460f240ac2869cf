import type { BackendFeature, BackendPluginFeature, InitRegistration } from '@portico/backend-plugin-api';
import type { CatalogKindDefinition } from '@portico/catalog-model';

/** The catalog's extension point for kinds (`catalogKindsExtensionPoint` of @portico/plugin-catalog-node). */
const CATALOG_KINDS = 'catalog.kinds';

/** Thrown when an init reaches for a service: offline, nothing is started, so its init ends there. */
class OfflineStop extends Error {
  constructor(readonly what: string) {
    super(`${what} is not available offline`);
  }
}

/** Stands in for a service (or a config value): any use of it stops the init that reached for it. */
function stopper(what: string): unknown {
  return new Proxy(function offline() {}, {
    get() {
      throw new OfflineStop(what);
    },
    apply() {
      throw new OfflineStop(what);
    },
    construct() {
      throw new OfflineStop(what);
    },
  });
}

type Dep = { $$type?: string; id: string };

export interface PluginKinds {
  /** Every kind the features added through `catalog.kinds`, in the order they added them. */
  kinds: CatalogKindDefinition[];
  /** Features that depend on `catalog.kinds` but added nothing before they needed a service. */
  unloaded: Array<{ feature: string; reason: string }>;
}

function isPluginOrModule(feature: BackendFeature): feature is BackendPluginFeature {
  return 'getRegistration' in feature;
}

function labelOf(feature: BackendPluginFeature): string {
  return feature.featureType === 'module' ? `module '${feature.pluginId}.${feature.moduleId}'` : `plugin '${feature.pluginId}'`;
}

/**
 * The kinds that the given features add through `catalog.kinds`, loaded without starting anything: each
 * feature's `register` runs (it only declares), then the inits that add kinds run with the extension points
 * their owners registered and with services that stop the init at their first use. So a kind added at the
 * top of init, before any service is used, is loaded, as the catalog would have it. Inits that only contribute
 * to extension points (a scorecard rule type, say) run first, as the host would order them.
 */
export async function loadPluginKinds(features: BackendFeature[]): Promise<PluginKinds> {
  const kinds: CatalogKindDefinition[] = [];
  const unloaded: PluginKinds['unloaded'] = [];
  const registrations: Array<{ label: string; init: InitRegistration }> = [];
  const extensionPoints = new Map<string, unknown>();
  for (const feature of features) {
    if (!isPluginOrModule(feature)) continue; // a service factory adds no kind
    const registration = feature.getRegistration();
    for (const { ref, impl } of registration.extensionPoints) extensionPoints.set(ref.id, impl);
    registrations.push({ label: labelOf(feature), init: registration.init });
  }
  extensionPoints.set(CATALOG_KINDS, { addKind: (kind: CatalogKindDefinition) => void kinds.push(kind) });

  const deps = (init: InitRegistration) => Object.values(init.deps) as Dep[];
  const isExtensionPoint = (dep: Dep) => dep.$$type === '@portico/ExtensionPoint';
  const contributors = registrations.filter(r => deps(r.init).length > 0 && deps(r.init).every(d => isExtensionPoint(d) && d.id !== CATALOG_KINDS && extensionPoints.has(d.id)));
  const kindAdders = registrations.filter(r => deps(r.init).some(d => d.id === CATALOG_KINDS));

  for (const { label, init } of [...contributors, ...kindAdders]) {
    const resolved = Object.fromEntries(
      Object.entries(init.deps).map(([name, dep]) => {
        const d = dep as Dep;
        if (isExtensionPoint(d) && extensionPoints.has(d.id)) return [name, extensionPoints.get(d.id)];
        return [name, stopper(`${isExtensionPoint(d) ? 'extension point' : 'service'} '${d.id}'`)];
      }),
    );
    const before = kinds.length;
    try {
      await init.init(resolved as never, { pluginConfig: stopper('its config') });
    } catch (error) {
      if (!(error instanceof OfflineStop)) {
        if (kindAdders.some(r => r.init === init) && kinds.length === before) unloaded.push({ feature: label, reason: (error as Error).message });
        continue;
      }
      if (kindAdders.some(r => r.init === init) && kinds.length === before) {
        unloaded.push({ feature: label, reason: `it used ${error.what} before adding its kinds` });
      }
    }
  }
  return { kinds, unloaded };
}

/** Built-in kinds first, then the plugins' kinds; a later definition of the same kind replaces an earlier one. */
export function mergeKinds(...lists: ReadonlyArray<ReadonlyArray<CatalogKindDefinition>>): CatalogKindDefinition[] {
  const byKind = new Map<string, CatalogKindDefinition>();
  for (const kind of lists.flat()) byKind.set(kind.kind.toLowerCase(), kind);
  return [...byKind.values()];
}
