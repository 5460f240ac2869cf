import { pathToFileURL } from 'node:url';
import { isBackendFeature } from '@portico/backend';
import { type BackendFeature, type ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';

async function importPackage(name: string, cwd: string): Promise<unknown> {
  let resolved: string;
  try {
    resolved = require.resolve(name, { paths: [cwd] });
  } catch {
    throw new Error(`cannot find package '${name}' from ${cwd} (is it installed and built?)`);
  }
  try {
    return require(resolved);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
    return import(pathToFileURL(resolved).href);
  }
}

/**
 * The features listed in `backend.plugins`: package names resolved from `cwd`, each default-
 * exporting a feature or an array of features.
 */
export async function loadFeaturesFromConfig(config: ConfigService, cwd = process.cwd(), bundled?: BundledPackages): Promise<BackendFeature[]> {
  return loadFeatures(config.getOptional<unknown>('backend.plugins') ?? [], cwd, bundled);
}

/** Packages the server bundle holds, by name (see serverBundle.ts): loaded from it instead of node_modules. */
export type BundledPackages = Record<string, () => unknown>;

/** The features of the packages named (the value of `backend.plugins`), from the bundle or resolved from `cwd`. */
export async function loadFeatures(names: unknown, cwd = process.cwd(), bundled?: BundledPackages): Promise<BackendFeature[]> {
  if (!Array.isArray(names) || names.some(n => typeof n !== 'string' || n.length === 0)) {
    throw new ConfigError('Invalid config at backend.plugins: expected a list of package names');
  }
  const features: BackendFeature[] = [];
  for (const [index, name] of (names as string[]).entries()) {
    const where = `backend.plugins[${index}] ('${name}')`;
    let mod: unknown;
    try {
      const fromBundle = bundled && Object.prototype.hasOwnProperty.call(bundled, name) ? bundled[name] : undefined;
      mod = fromBundle ? fromBundle() : await importPackage(name, cwd);
    } catch (error) {
      throw new ConfigError(`Invalid config at ${where}: ${(error as Error).message}`);
    }
    const exported = (mod as { default?: unknown }).default ?? mod;
    const list = Array.isArray(exported) ? exported : [exported];
    if (list.length === 0 || !list.every(isBackendFeature)) {
      throw new ConfigError(
        `Invalid config at ${where}: its default export must be a backend plugin, module or service factory, or an array of them`,
      );
    }
    features.push(...(list as BackendFeature[]));
  }
  return features;
}
