import type { LoggerService } from '@portico/backend-plugin-api';
import type { BackendState } from './BackendState';
import type { StartupPlan } from './planStartup';

/** Why a plugin has not started when the start stopped before its init. */
export const ABORTED_BEFORE_INIT = 'startup was aborted before its init ran';

/** One line per plugin (started, failed, skipped; time taken), then the total. */
export function logStartupSummary(
  logger: LoggerService,
  state: BackendState,
  plan: StartupPlan,
  totalMs: number,
  outcome: 'started' | 'aborted' = 'started',
): void {
  // A start that stopped early names the plugins it never reached on one line, not one line each.
  const notReached = outcome === 'aborted' ? [...state.plugins].filter(([, p]) => p.status === 'skipped' && p.error === ABORTED_BEFORE_INIT).map(([id]) => id) : [];
  for (const [pluginId, plugin] of state.plugins) {
    if (notReached.includes(pluginId)) continue;
    const time = plugin.durationMs === undefined ? '' : ` in ${plugin.durationMs} ms`;
    const line = `Plugin '${pluginId}' ${plugin.status}${time}${plugin.error ? `: ${plugin.error}` : ''}`;
    if (plugin.status === 'failed') logger.warn(line, { plugin: pluginId, status: plugin.status });
    else logger.info(line, { plugin: pluginId, status: plugin.status, durationMs: plugin.durationMs });
  }
  if (notReached.length > 0) logger.info(`Not started (the start stopped first): ${notReached.join(', ')}`, { plugins: notReached });
  for (const skipped of plan.skippedModules) {
    logger.info(`Module '${skipped.pluginId}.${skipped.moduleId}' skipped: plugin '${skipped.pluginId}' is not installed`);
  }
  const failed = [...state.plugins.values()].filter(p => p.status === 'failed').length;
  const started = [...state.plugins.values()].filter(p => p.status === 'started').length;
  const skipped = state.plugins.size - started - failed;
  const counts = `${started} plugin(s) started, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  if (outcome === 'started') logger.info(`Backend started in ${totalMs} ms: ${counts}`);
  else logger.error(`Backend start aborted after ${totalMs} ms: ${counts}`);
}
