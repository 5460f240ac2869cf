import type { ConfigService } from '@portico/backend-plugin-api';
import type { FeatureRegistration } from './FeatureRegistration';
import { ConfigError } from '@portico/errors';

/**
 * Parses every plugin's and module's `configSchema` against its `<pluginId>` section before any
 * init runs, and reports every problem at once, each with its full config path. Returns each
 * feature's parsed section (defaults applied), which its init receives as `pluginConfig`.
 */
export function validatePluginConfig(
  config: ConfigService,
  registrations: FeatureRegistration[],
): Map<FeatureRegistration, unknown> {
  const problems: string[] = [];
  const parsed = new Map<FeatureRegistration, unknown>();
  for (const registration of registrations) {
    if (!registration.configSchema) continue;
    const result = registration.configSchema.safeParse(config.getOptional(registration.pluginId));
    if (result.success) {
      parsed.set(registration, result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      const path = [registration.pluginId, ...issue.path.map(p => String(p))].join('.');
      problems.push(`Invalid config at ${path}: ${issue.message}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError([...new Set(problems)].join('\n'), { problems: [...new Set(problems)] });
  }
  return parsed;
}
