import { useMemo } from 'react';
import {
  ApiProvider,
  ExtensionRegistryProvider,
  type ApiRef,
  type FrontendPlugin,
  type JsonValue,
} from '@portico/frontend-plugin-api';
import { ConfigReader } from './apis/ConfigReader';
import { createAppApis } from './apis/createAppApis';
import { AuthProvider } from './auth/AuthContext';
import { SessionGate } from './auth/SessionGate';
import { AlertDisplay } from './components/AlertDisplay';
import { AppRoutes } from './components/AppRoutes';
import { AppShell } from './components/AppShell';
import { ExtensionRegistry } from './extensions/ExtensionRegistry';
import { ThemeModeProvider } from './theme/ThemeModeProvider';

export interface AppProps {
  /** The installed frontend plugins (from `virtual:portico-plugins` in the real app). */
  plugins: ReadonlyArray<FrontendPlugin>;
  /** The frontend config, i.e. the body of `GET /app-config.json`. */
  config: JsonValue;
  /** API implementations that replace the defaults (tests). */
  apis?: ReadonlyArray<readonly [ApiRef<unknown>, unknown]>;
}

/**
 * The Portico app: the registry of enabled extensions (app-config `app.extensions`), the APIs, the
 * theme, the session (nothing but `/sign-in` renders before someone is signed in) and the shell.
 * Render it inside a router.
 */
export function App(props: AppProps) {
  const { plugins, config, apis: overrides } = props;
  const registry = useMemo(() => {
    const extensionsConfig = new ConfigReader(config).getOptional('app.extensions');
    if (extensionsConfig !== undefined && !Array.isArray(extensionsConfig)) {
      throw new Error('app.extensions must be a list');
    }
    return ExtensionRegistry.create({ plugins, extensionsConfig: extensionsConfig ?? [] });
  }, [plugins, config]);
  const { apis, auth } = useMemo(() => createAppApis({ registry, config, overrides }), [registry, config, overrides]);
  return (
    <ApiProvider apis={apis}>
      <ExtensionRegistryProvider registry={registry}>
        <ThemeModeProvider>
          <AuthProvider auth={auth}>
            <SessionGate>
              <AppShell>
                <AppRoutes />
              </AppShell>
            </SessionGate>
          </AuthProvider>
          <AlertDisplay />
        </ThemeModeProvider>
      </ExtensionRegistryProvider>
    </ApiProvider>
  );
}
