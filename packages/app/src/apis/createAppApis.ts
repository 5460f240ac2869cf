import {
  ApiResolver,
  alertApiRef,
  configApiRef,
  discoveryApiRef,
  errorApiRef,
  fetchApiRef,
  identityApiRef,
  permissionApiRef,
  type ApiRef,
  type JsonValue,
} from '@portico/frontend-plugin-api';
import { createAuthApis, type AuthApis } from '../auth/createAuthApis';
import type { ExtensionRegistry } from '../extensions/ExtensionRegistry';
import { ConfigReader } from './ConfigReader';
import { AlertApiForwarder, ErrorApiForwarder } from './MessageApis';
import { UrlDiscoveryApi } from './UrlDiscoveryApi';

/**
 * The app's APIs: the core ones (config from /app-config.json, discovery at the page's origin,
 * fetch with the session's credentials, identity, permissions, alerts, errors), then every enabled
 * ApiBlueprint, then explicit overrides. `auth` is the session the shell signs in with.
 */
export function createAppApis(options: {
  registry: ExtensionRegistry;
  config: JsonValue;
  overrides?: ReadonlyArray<readonly [ApiRef<unknown>, unknown]>;
}): { apis: ApiResolver; auth: AuthApis } {
  const config = new ConfigReader(options.config);
  const backendBaseUrl = config.getOptionalString('app.backendBaseUrl');
  const discovery = UrlDiscoveryApi.fromConfig({ backendBaseUrl });
  const auth = createAuthApis({
    discoveryApi: discovery,
    origins: backendBaseUrl ? [window.location.origin, new URL(backendBaseUrl).origin] : undefined,
  });
  const apis = new ApiResolver(options.registry.apiFactories(), [
    [configApiRef, config],
    [discoveryApiRef, discovery],
    [fetchApiRef, auth.fetchApi],
    [identityApiRef, auth.session],
    [permissionApiRef, auth.permissionApi],
    [alertApiRef, new AlertApiForwarder()],
    [errorApiRef, new ErrorApiForwarder()],
    ...(options.overrides ?? []),
  ]);
  return { apis, auth };
}
