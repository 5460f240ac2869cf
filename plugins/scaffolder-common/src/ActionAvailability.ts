/**
 * Which plugin provides an action the scaffolder does not have, and whether a template can run without it.
 *
 * Convention (docs/scaffolder.md): an action contributed by a plugin starts with the plugin's id
 * (`github:pull-request`, `acme:deploy`); Backstage's verb-first families `publish:<x>` and `fetch:<x>` end with it
 * (`publish:github`). The plugin's backend package is `@portico/plugin-<id>-backend`. The scaffolder learns no
 * plugin's name: the id says where to look.
 */

/** An action a template step names that the scaffolder does not have. */
export interface MissingTemplateAction {
  action: string;
  stepId: string;
  stepName?: string;
  /** The step has an `if`: the template runs as long as the step is not chosen. */
  optional: boolean;
  /** The plugin that provides the action by the naming convention, and its backend package. */
  pluginId: string;
  packageName: string;
  /** Why, in one sentence a person can act on. */
  reason: string;
}

/** Action id prefixes of Backstage's verb-first families, whose provider is the second segment. */
const VERB_FIRST = new Set(['publish', 'fetch']);

/** The plugin that provides an action by the naming convention: `publish:github` and `github:pull-request` give `github`. */
export function actionProvider(actionId: string): { pluginId: string; packageName: string } {
  const [first, second] = actionId.split(':');
  const pluginId = (VERB_FIRST.has(first) && second ? second : first).toLowerCase();
  return { pluginId, packageName: `@portico/plugin-${pluginId}-backend` };
}

/** The sentence the gallery, the template page and a refused run show for an action that is not registered. */
export function missingActionReason(actionId: string): string {
  const { pluginId, packageName } = actionProvider(actionId);
  return `Action '${actionId}' is not registered: it comes from the '${pluginId}' plugin, which this portal does not run (add ${packageName} to backend.plugins)`;
}

/**
 * The steps whose action is not in `registered`. The template is runnable when every missing action is in an
 * optional step (one with an `if`), which runs only when chosen.
 */
export function templateActionAvailability(
  steps: ReadonlyArray<{ id: string; name?: string; action: string; if?: unknown }>,
  registered: Iterable<string>,
): { runnable: boolean; missing: MissingTemplateAction[] } {
  const known = new Set(registered);
  const missing = steps
    .filter(step => typeof step?.action === 'string' && !known.has(step.action))
    .map(step => ({
      action: step.action,
      stepId: step.id,
      ...(step.name ? { stepName: step.name } : {}),
      optional: step.if !== undefined && step.if !== true,
      ...actionProvider(step.action),
      reason: missingActionReason(step.action),
    }));
  return { runnable: missing.every(m => m.optional), missing };
}
