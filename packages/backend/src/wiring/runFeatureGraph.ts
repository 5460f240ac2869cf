import type { FeatureNode } from './planStartup';

export type NodeOutcome = { ok: true } | { ok: false; error: unknown };

/**
 * Runs every node once all the nodes it waits for have finished; nodes with nothing between
 * them run in parallel. `run` decides per node what a failure means: it resolves to
 * 'abort' to stop launching new nodes (the run then rejects with that error once the running
 * ones settle) or 'continue' to carry on.
 */
export async function runFeatureGraph(
  nodes: Map<string, FeatureNode>,
  run: (node: FeatureNode) => Promise<'ok' | 'continue' | { abort: unknown }>,
): Promise<void> {
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of nodes.values()) {
    waiting.set(node.key, node.after.size);
    for (const before of node.after.keys()) {
      dependents.set(before, [...(dependents.get(before) ?? []), node.key]);
    }
  }

  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let finished = 0;
    let abortError: { error: unknown } | undefined;

    const settle = () => {
      if (running > 0) return;
      if (abortError) reject(abortError.error);
      else if (finished === nodes.size) resolve();
    };

    const launch = (key: string) => {
      if (abortError) return;
      running++;
      run(nodes.get(key)!)
        .catch(error => ({ abort: error }))
        .then(outcome => {
          running--;
          finished++;
          if (typeof outcome === 'object' && !abortError) abortError = { error: outcome.abort };
          if (!abortError) {
            for (const next of dependents.get(key) ?? []) {
              const left = waiting.get(next)! - 1;
              waiting.set(next, left);
              if (left === 0) launch(next);
            }
          }
          settle();
        });
    };

    const ready = [...nodes.values()].filter(n => n.after.size === 0).map(n => n.key);
    if (ready.length === 0) {
      settle();
      return;
    }
    ready.forEach(launch);
  });
}
