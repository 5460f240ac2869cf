import type { ConfigService, LoggerService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { hostConfigSections } from '../services/config/hostConfigSections';
import type { FeatureRegistration } from './FeatureRegistration';
import type { FeatureNode } from './planStartup';
import { describeUnknownKey, findUnknownConfigKeys, type ConfigSectionReader } from './unknownConfigKeys';

/**
 * Reports every config key nobody reads (a typo such as `catalog.location` or a top-level `scafolder:`): known
 * are the host's sections and keys, every installed plugin's and module's section with its schema's keys, and
 * the sections of modules skipped for want of their plugin. Under NODE_ENV=production the start is refused
 * with all of them at once; otherwise each is a warning. Keys a `.strict()` schema refuses are left to
 * validatePluginConfig, which refuses them in any environment.
 */
export function reportUnknownConfigKeys(
  config: ConfigService,
  logger: LoggerService,
  nodes: FeatureNode[],
  skippedModules: FeatureRegistration[],
  nodeEnv: string | undefined = process.env.NODE_ENV,
): void {
  const readers: ConfigSectionReader[] = [
    ...hostConfigSections,
    ...[...nodes.flatMap(node => (node.registration ? [node.registration] : [])), ...skippedModules].map(registration => ({
      section: registration.configSection,
      schema: registration.configSchema,
    })),
  ];
  const root = Object.fromEntries(config.keys().map(key => [key, config.getOptional(key)]));
  const problems = findUnknownConfigKeys(root, readers).filter(key => !key.strict).map(describeUnknownKey);
  if (problems.length === 0) return;
  if (nodeEnv === 'production') {
    throw new ConfigError(`${problems.join('\n')}\n(NODE_ENV=production refuses unknown config keys; remove or correct them)`, { problems });
  }
  for (const problem of problems) logger.warn(problem);
}
