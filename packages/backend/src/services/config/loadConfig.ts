import fs from 'node:fs/promises';
import path from 'node:path';
import type * as Yaml from 'yaml';
import { ConfigError } from '@portico/errors';
import type { ConfigService } from '@portico/backend-plugin-api';
import type { JsonObject, JsonValue } from '@portico/types';
import { ConfigReader } from './ConfigReader';
import { backendConfigSchema } from './backendConfigSchema';

export interface LoadConfigOptions {
  /** Command-line arguments; every `--config FILE` (or `--config=FILE`) is read. */
  argv?: string[];
  /** Config files to read instead of `app-config.yaml` + `app-config.local.yaml`. */
  configPaths?: string[];
  /** Where relative paths and the default files are looked up. Default: process.cwd(). */
  cwd?: string;
  /** Variables for `${VAR}` substitution and `PORT`. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** A ready config object: no files are read (tests). */
  config?: object;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `--config` values of a command line, in order. */
export function configPathsFromArgv(argv: string[]): string[] {
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config' || arg === '-c') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) throw new ConfigError(`${arg} needs a file name`);
      paths.push(value);
      i++;
    } else if (arg.startsWith('--config=')) {
      paths.push(arg.slice('--config='.length));
    }
  }
  return paths;
}

/** Later wins key by key; arrays and scalars replace, objects merge. */
export function mergeConfigs(base: JsonValue | undefined, override: JsonValue | undefined): JsonValue | undefined {
  if (override === undefined) return base;
  if (isObject(base) && isObject(override)) {
    const result: JsonObject = { ...base };
    for (const [key, value] of Object.entries(override)) {
      result[key] = mergeConfigs(base[key], value) as JsonValue;
    }
    return result;
  }
  return override;
}

/** Replaces `${VAR}` in every string; `$${VAR}` stays a literal `${VAR}`. */
export function substituteEnv(value: JsonValue, env: Record<string, string | undefined>, at = ''): JsonValue {
  if (typeof value === 'string') {
    return value.replace(/\$?\$\{([^{}]*)\}/g, (match: string, name: string) => {
      if (match.startsWith('$$')) return match.slice(1);
      const variable = name.trim();
      const resolved = env[variable];
      if (resolved === undefined) {
        throw new ConfigError(
          `Config value at '${at || '<root>'}' refers to environment variable '${variable}', which is not set`,
        );
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, `${at}[${i}]`));
  if (isObject(value)) {
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) result[key] = substituteEnv(item, env, at ? `${at}.${key}` : key);
    return result;
  }
  return value;
}

let yaml: typeof Yaml | undefined;

/** The YAML parser, loaded with the first config file (a backend given its config as an object never needs it). */
function loadYaml(): typeof Yaml {
  return (yaml ??= require('yaml') as typeof Yaml);
}

async function readConfigFile(file: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  const { parseDocument, YAMLParseError } = loadYaml();
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first instanceof YAMLParseError && first.linePos ? first.linePos[0].line : undefined;
    const reason = first.message.split('\n')[0];
    throw new ConfigError(`Malformed YAML in config file ${file}${line ? ` at line ${line}` : ''}: ${reason}`, {
      file,
      line,
    });
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {};
  if (!isObject(data)) throw new ConfigError(`Config file ${file} must hold a mapping at the top level`);
  return data;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** The config files to read, in order, following the loading rules. */
export async function resolveConfigFiles(options: { argv?: string[]; configPaths?: string[]; cwd?: string }): Promise<string[]> {
  const cwd = options.cwd ?? process.cwd();
  const given = [...(options.configPaths ?? []), ...configPathsFromArgv(options.argv ?? [])];
  if (given.length > 0) return given.map(p => path.resolve(cwd, p));
  const files = [path.resolve(cwd, 'app-config.yaml')];
  const local = path.resolve(cwd, 'app-config.local.yaml');
  if (await exists(local)) files.push(local);
  if (!(await exists(files[0]))) return files.slice(1);
  return files;
}

/**
 * Applies env substitution, the `PORT` override and the `backend` schema (with its defaults, `baseUrl`
 * derived from the port when not set) to raw config data.
 */
export function finalizeConfig(raw: JsonObject, env: Record<string, string | undefined>): JsonObject {
  const data = substituteEnv(raw, env) as JsonObject;
  const backend: JsonObject = isObject(data.backend) ? { ...data.backend } : {};
  if (env.PORT !== undefined && env.PORT !== '') {
    backend.listen = { ...(isObject(backend.listen) ? backend.listen : {}), port: env.PORT };
  }
  const reader = new ConfigReader({ backend } as JsonObject);
  const parsed = reader.parse('backend', backendConfigSchema);
  // Without a baseUrl, the portal is where it listens: `PORT=7301` gives http://localhost:7301 (port 0 has none yet).
  if (parsed.baseUrl === undefined && parsed.listen.port !== 0) parsed.baseUrl = `http://localhost:${parsed.listen.port}`;
  // Keys the schema does not declare stay as written (they are reported at start, see unknownConfigKeys).
  return { ...data, backend: mergeConfigs(backend, parsed as unknown as JsonObject) as JsonObject };
}

/**
 * Loads app-config: `app-config.yaml`, then `app-config.local.yaml` if present; `--config FILE`
 * (repeatable) replaces that pair. Later files win key by key; arrays are replaced.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ConfigService> {
  const env = options.env ?? process.env;
  let raw: JsonObject = {};
  if (options.config) {
    raw = JSON.parse(JSON.stringify(options.config)) as JsonObject;
  } else {
    for (const file of await resolveConfigFiles(options)) {
      raw = mergeConfigs(raw, await readConfigFile(file)) as JsonObject;
    }
  }
  return new ConfigReader(finalizeConfig(raw, env));
}
