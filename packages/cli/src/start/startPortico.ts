import { createBackend, loadConfig, type BackendHost } from '@portico/backend';
import { createAppPlugin, findAppDist } from './appPlugin';
import { loadFeaturesFromConfig, type BundledPackages } from './loadFeatures';

export interface StartPorticoOptions {
  /** `--config` files; empty means app-config.yaml (+ app-config.local.yaml). */
  configPaths: string[];
  cwd?: string;
  /** Exit on SIGTERM/SIGINT after a graceful stop (on for the CLI). */
  handleSignals?: boolean;
  /** Plugin packages the server bundle holds (loaded from it rather than node_modules). */
  bundledFeatures?: BundledPackages;
}

/** Loads config, assembles the backend from `backend.plugins` (plus the built app) and starts it. */
export async function startPortico(options: StartPorticoOptions): Promise<BackendHost> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfig({ configPaths: options.configPaths.length ? options.configPaths : undefined, cwd });
  performance.mark('portico:config-loaded');
  const backend = createBackend({ config, handleSignals: options.handleSignals });
  for (const feature of await loadFeaturesFromConfig(config, cwd, options.bundledFeatures)) backend.add(feature);
  performance.mark('portico:features-loaded');
  const appDist = findAppDist(cwd);
  if (appDist) backend.add(createAppPlugin(appDist));
  await backend.start();
  return backend;
}
