import type { ActionContext, TemplateAction } from '@portico/plugin-scaffolder-node';
import { MockLogger } from '@portico/test-utils';

/**
 * Runs an action's handler as the scaffolder would for one step: the input parsed by its schema, outputs
 * collected, checkpoints kept in `checkpoints` (pass the same map again to play a resumed run).
 */
export async function runAction(
  action: TemplateAction,
  input: Record<string, unknown>,
  options: { dryRun?: boolean; checkpoints?: Map<string, unknown>; stepId?: string } = {},
): Promise<{ outputs: Record<string, unknown>; logger: MockLogger }> {
  const outputs: Record<string, unknown> = {};
  const checkpoints = options.checkpoints ?? new Map<string, unknown>();
  const logger = new MockLogger();
  const ctx = {
    input: action.schema?.input ? action.schema.input.parse(input) : input,
    logger,
    workspacePath: '/nonexistent',
    output: (name: string, value: unknown) => (outputs[name] = value),
    signal: new AbortController().signal,
    isDryRun: options.dryRun ?? false,
    async checkpoint<T>(key: string, fn: () => Promise<T>) {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key) as T;
    },
    user: { ref: 'user:default/guest' },
    secrets: {},
    taskId: 'task-1',
    stepId: options.stepId ?? 'step-1',
    waitForHuman: async () => {
      throw new Error('not used');
    },
  } as unknown as ActionContext<unknown>;
  await action.handler(ctx);
  return { outputs, logger };
}
