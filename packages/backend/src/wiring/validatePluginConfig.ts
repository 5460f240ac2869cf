import type { ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import type { ZodType } from 'zod';
import type { FeatureRegistration } from './FeatureRegistration';
import { declaredKeysAt, schemaDeclaresKey } from './schemaDeclaresKey';
import { closestKey } from './unknownConfigKeys';

type UnknownKey = { path: PropertyKey[]; key: string };

/** Issues of one parse, with `.strict()`'s unrecognized keys split out one by one. */
function parseSection(schema: ZodType, input: unknown) {
  // Parsed once at start: zod's JIT would compile a parser (new Function, outside V8's code cache) for each object.
  const result = schema.safeParse(input, { jitless: true });
  if (result.success) return { data: result.data, issues: [], unknownKeys: [] };
  const unknownKeys: UnknownKey[] = [];
  const issues = result.error.issues.filter(issue => {
    if (issue.code !== 'unrecognized_keys') return true;
    for (const key of issue.keys) unknownKeys.push({ path: issue.path, key });
    return false;
  });
  return { data: undefined, issues, unknownKeys };
}

/** A copy of `input` without the given keys, so a strict schema can parse the part of a shared section it owns. */
function withoutKeys(input: unknown, keys: UnknownKey[]): unknown {
  const copy = structuredClone(input);
  for (const { path, key } of keys) {
    const parent = path.reduce<unknown>((value, segment) => (value as Record<PropertyKey, unknown> | undefined)?.[segment], copy);
    if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[key];
  }
  return copy;
}

/**
 * Parses every plugin's and module's `configSchema` against its config section (the plugin id, or a
 * module's `configSection`) before any init runs, and reports every problem at once, each with its full
 * config path. A section may be shared by a plugin and its modules: a key that a `.strict()` schema does
 * not know is unknown only if no other feature reading that section (installed, or a module skipped
 * because its plugin is not) declares it. Returns each feature's parsed section (defaults applied),
 * which its init receives as `pluginConfig`.
 */
export function validatePluginConfig(
  config: ConfigService,
  registrations: FeatureRegistration[],
  skippedModules: FeatureRegistration[] = [],
): Map<FeatureRegistration, unknown> {
  const problems: string[] = [];
  const parsed = new Map<FeatureRegistration, unknown>();
  const readers = [...registrations, ...skippedModules];
  const pathOf = (section: string, path: PropertyKey[]) => [section, ...path.map(p => String(p))].join('.');

  for (const registration of registrations) {
    const { configSchema: schema, configSection: section } = registration;
    if (!schema) continue;
    const input = config.getOptional(section);
    const sharers = readers.filter(r => r !== registration && r.configSection === section && r.configSchema);
    const isOthers = ({ path, key }: UnknownKey) => sharers.some(r => schemaDeclaresKey(r.configSchema!, path, key));

    let outcome = parseSection(schema, input);
    const othersKeys = outcome.unknownKeys.filter(isOthers);
    if (othersKeys.length > 0) outcome = parseSection(schema, withoutKeys(input, othersKeys));

    if (outcome.issues.length === 0 && outcome.unknownKeys.length === 0) {
      parsed.set(registration, outcome.data);
      continue;
    }
    for (const issue of outcome.issues) problems.push(`Invalid config at ${pathOf(section, issue.path)}: ${issue.message}`);
    for (const { path, key } of outcome.unknownKeys) {
      const near = closestKey(key, [registration, ...sharers].flatMap(r => declaredKeysAt(r.configSchema!, path)));
      const hint = near ? `; did you mean '${pathOf(section, [...path, near])}'?` : '';
      problems.push(`Invalid config at ${pathOf(section, [...path, key])}: unknown key (no installed plugin or module reads it)${hint}`);
    }
  }
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new ConfigError(unique.join('\n'), { problems: unique });
  }
  return parsed;
}
