import type {
  AnyApiFactory,
  Extension,
  ExtensionHolder,
  ExtensionOfKind,
  FrontendPlugin,
} from '@portico/frontend-plugin-api';

/**
 * One entry of app-config `app.extensions`:
 * - `'nav-item:catalog/catalog'` enables the extension and places it (listed ids come first, in list order);
 * - `{ 'entity-card:example/greeting': false }` or `{ '...': { disabled: true } }` turns it off;
 * - `{ 'plugin:example': false }` turns off every extension of a plugin.
 */
export type ExtensionConfigEntry = string | Record<string, boolean | { disabled?: boolean } | null>;

interface Setting {
  disabled?: boolean;
  order: number;
}

function parseExtensionsConfig(entries: ReadonlyArray<unknown>): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  entries.forEach((entry, order) => {
    if (typeof entry === 'string') {
      settings.set(entry, { disabled: false, order });
      return;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || Object.keys(entry).length !== 1) {
      throw new Error(
        `app.extensions[${order}] must be an extension id or a single-key object like { 'page:example/index': false }`,
      );
    }
    const [id, value] = Object.entries(entry)[0];
    if (value === null || value === true) settings.set(id, { disabled: false, order });
    else if (value === false) settings.set(id, { disabled: true, order });
    else if (typeof value === 'object' && !Array.isArray(value)) {
      const disabled = (value as { disabled?: unknown }).disabled;
      if (disabled !== undefined && typeof disabled !== 'boolean') {
        throw new Error(`app.extensions[${order}].${id}.disabled must be true or false`);
      }
      settings.set(id, { disabled: disabled ?? false, order });
    } else throw new Error(`app.extensions[${order}].${id} must be true, false or { disabled }`);
  });
  return settings;
}

/**
 * The enabled extensions of the installed plugins, in app order, with typed look-ups.
 * Order: extensions listed in `app.extensions` first (in that order), then the rest in plugin order.
 */
export class ExtensionRegistry implements ExtensionHolder {
  readonly extensions: ReadonlyArray<Extension>;

  constructor(extensions: ReadonlyArray<Extension>) {
    this.extensions = extensions;
  }

  /** Builds the registry from the installed plugins and app-config `app.extensions`. */
  static create(options: {
    plugins: ReadonlyArray<FrontendPlugin>;
    extensionsConfig?: ReadonlyArray<unknown>;
  }): ExtensionRegistry {
    const settings = parseExtensionsConfig(options.extensionsConfig ?? []);
    const pluginIds = new Set<string>();
    const all: Extension[] = [];
    const ids = new Set<string>();
    for (const plugin of options.plugins) {
      if (pluginIds.has(plugin.id)) throw new Error(`Frontend plugin '${plugin.id}' is installed twice`);
      pluginIds.add(plugin.id);
      for (const ext of plugin.extensions) {
        ids.add(ext.id);
        all.push(ext);
      }
    }
    const enabled = all.filter(ext => {
      const own = settings.get(ext.id);
      if (own?.disabled !== undefined) return !own.disabled;
      if (settings.get(`plugin:${ext.pluginId}`)?.disabled) return false;
      return !ext.disabledByDefault;
    });
    for (const id of settings.keys()) {
      const known = id.startsWith('plugin:') ? pluginIds.has(id.slice('plugin:'.length)) : ids.has(id);
      // a typo in app-config should be visible, not silently ignored
      if (!known) console.warn(`app.extensions refers to '${id}', which no installed plugin provides`);
    }
    const rank = (ext: Extension) => settings.get(ext.id)?.order ?? Number.MAX_SAFE_INTEGER;
    // Array.prototype.sort is stable: unlisted extensions keep plugin order
    enabled.sort((a, b) => rank(a) - rank(b));
    return new ExtensionRegistry(enabled);
  }

  ofKind<K extends string>(kind: K): ExtensionOfKind<K>[] {
    return this.extensions.filter(ext => ext.kind === kind) as ExtensionOfKind<K>[];
  }

  get(id: string): Extension | undefined {
    return this.extensions.find(ext => ext.id === id);
  }

  apiFactories(): AnyApiFactory[] {
    return this.ofKind('api').map(ext => ext.data.factory);
  }
}
