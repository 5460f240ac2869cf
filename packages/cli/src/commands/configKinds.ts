import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { builtinKinds, type CatalogKindDefinition } from '@portico/catalog-model';
import { ConfigError } from '@portico/errors';
import { loadFeatures } from '../start/loadFeatures';
import { loadPluginKinds, mergeKinds } from './pluginKinds';

const DEFAULT_CONFIG = 'app-config.yaml';

/** `backend.plugins` of a config file, read as written (no environment substitution is needed for it). */
function pluginsOf(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const backend = doc && typeof doc === 'object' ? (doc as { backend?: unknown }).backend : undefined;
  return backend && typeof backend === 'object' ? ((backend as { plugins?: unknown }).plugins ?? []) : [];
}

/**
 * The kinds `portico catalog validate` accepts: the built-in ones plus those the plugins of the config's
 * `backend.plugins` add through `catalog.kinds` (loaded, not started). Without `--config`, app-config.yaml in
 * `cwd` when there is one, else the built-in kinds alone (said in a note).
 */
export async function kindsOfConfig(options: { configPath?: string; cwd: string }): Promise<{ kinds: CatalogKindDefinition[]; notes: string[] }> {
  const file = path.resolve(options.cwd, options.configPath ?? DEFAULT_CONFIG);
  if (!options.configPath && !existsSync(file)) {
    return { kinds: [...builtinKinds], notes: [`no ${DEFAULT_CONFIG} here: only the built-in kinds are known (name a config with --config)`] };
  }
  let features;
  try {
    features = await loadFeatures(pluginsOf(file), path.dirname(file));
  } catch (error) {
    // a config named with --config must load; the implicit one only adds kinds when it can
    if (options.configPath) throw error;
    return { kinds: [...builtinKinds], notes: [`only the built-in kinds are known: ${DEFAULT_CONFIG}: ${(error as Error).message}`] };
  }
  const loaded = await loadPluginKinds(features);
  const notes = loaded.unloaded.map(u => `the kinds of ${u.feature} could not be loaded offline: ${u.reason}`);
  return { kinds: mergeKinds(builtinKinds, loaded.kinds), notes };
}
