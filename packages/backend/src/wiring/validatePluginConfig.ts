import type { ConfigService, FeatureRegistration } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';

/**
 * Checks every plugin's and module's `configSchema` against its `<pluginId>` section before any
 * init runs, and reports every problem at once, each with its full config path.
 */
export function validatePluginConfig(config: ConfigService, registrations: FeatureRegistration[]): void {
  const problems: string[] = [];
  for (const registration of registrations) {
    if (!registration.configSchema) continue;
    const result = registration.configSchema.safeParse(config.getOptional(registration.pluginId));
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const path = [registration.pluginId, ...issue.path.map(p => String(p))].join('.');
      problems.push(`Invalid config at ${path}: ${issue.message}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError([...new Set(problems)].join('\n'), { problems: [...new Set(problems)] });
  }
}
