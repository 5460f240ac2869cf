import type { AnyApiFactory, ApiFactory } from '../apis/system/ApiHolder';
import { createExtension, type ExtensionDefinition } from '../extensions/Extension';

export interface ApiExtensionData {
  factory: AnyApiFactory;
}

/**
 * Provides an API implementation; `deps` are resolved from the other installed APIs.
 * @example ApiBlueprint({ api: greetingApiRef, deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
 *   factory: ({ discoveryApi, fetchApi }) => new GreetingClient({ discoveryApi, fetchApi }) })
 */
export function ApiBlueprint<Api, Deps extends Record<string, unknown>>(
  options: ApiFactory<Api, Deps> & { name?: string; disabled?: boolean },
): ExtensionDefinition<'api', ApiExtensionData> {
  const { name, disabled, ...factory } = options;
  return createExtension({
    kind: 'api',
    name: name ?? factory.api.id,
    disabled,
    data: { factory: factory as unknown as AnyApiFactory },
  });
}
