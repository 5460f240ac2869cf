import type { Extension, ExtensionDefinition } from './Extension';

/** A frontend plugin: an id and the extensions it contributes. Plugin packages default-export one. */
export interface FrontendPlugin {
  readonly $$type: '@portico/FrontendPlugin';
  readonly id: string;
  readonly extensions: ReadonlyArray<Extension>;
}

const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]*$/;

/**
 * Creates a frontend plugin. Each extension gets the id `<kind>:<pluginId>/<name>`.
 * @example
 * export default createFrontendPlugin({
 *   id: 'example',
 *   extensions: [
 *     PageBlueprint({ path: '/example', title: 'Example', loader: () => import('./components/ExamplePage') }),
 *     NavItemBlueprint({ title: 'Example', path: '/example' }),
 *   ],
 * });
 */
export function createFrontendPlugin(options: {
  id: string;
  extensions?: ReadonlyArray<ExtensionDefinition>;
}): FrontendPlugin {
  const { id } = options;
  if (!PLUGIN_ID_PATTERN.test(id)) {
    throw new Error(`Frontend plugin id '${id}' must be lower-case letters, digits and '-', starting with a letter`);
  }
  const seen = new Set<string>();
  const extensions = (options.extensions ?? []).map((def): Extension => {
    const extensionId = `${def.kind}:${id}/${def.name}`;
    if (seen.has(extensionId)) {
      throw new Error(`Plugin '${id}' declares extension '${extensionId}' twice; give one of them a distinct name`);
    }
    seen.add(extensionId);
    return {
      $$type: '@portico/Extension',
      id: extensionId,
      kind: def.kind,
      pluginId: id,
      name: def.name,
      disabledByDefault: def.disabledByDefault,
      data: def.data,
    };
  });
  return { $$type: '@portico/FrontendPlugin', id, extensions };
}
