import {
  AlertApiForwarder,
  ApiResolver,
  ConfigReader,
  DefaultFetchApi,
  ErrorApiForwarder,
  UrlDiscoveryApi,
  alertApiRef,
  configApiRef,
  discoveryApiRef,
  errorApiRef,
  fetchApiRef,
  type ApiRef,
  type ExtensionRegistry,
  type JsonValue,
} from '@portico/frontend-plugin-api';

/**
 * The app's APIs: the core ones (config from /app-config.json, discovery at the page's origin,
 * fetch, alerts, errors), then every enabled ApiBlueprint, then explicit overrides.
 */
export function createAppApis(options: {
  registry: ExtensionRegistry;
  config: JsonValue;
  overrides?: ReadonlyArray<readonly [ApiRef<unknown>, unknown]>;
}): ApiResolver {
  const config = new ConfigReader(options.config);
  const discovery = UrlDiscoveryApi.fromConfig({ backendBaseUrl: config.getOptionalString('app.backendBaseUrl') });
  return new ApiResolver(options.registry.apiFactories(), [
    [configApiRef, config],
    [discoveryApiRef, discovery],
    [fetchApiRef, new DefaultFetchApi()],
    [alertApiRef, new AlertApiForwarder()],
    [errorApiRef, new ErrorApiForwarder()],
    ...(options.overrides ?? []),
  ]);
}
