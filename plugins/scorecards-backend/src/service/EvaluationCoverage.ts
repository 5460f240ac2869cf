/**
 * Which changed entities a whole evaluation of a scorecard has already seen, so the entity queue does not evaluate
 * them on that scorecard again: after the catalog's first load, the Scorecards it added are evaluated whole over
 * every entity, and the thousands of entities it added wait in the entity queue for the same scorecards.
 *
 * Changes and the starts of whole evaluations are numbered in the order they happen. A whole evaluation reads the
 * catalog after it started, so it saw every change numbered before its start: it covers the entity on that
 * scorecard until the entity changes again. Only a whole evaluation that succeeded counts.
 */
export class EvaluationCoverage {
  private seq = 0;
  /** Entity ref -> number of its last change not evaluated yet. */
  private readonly changed = new Map<string, number>();
  /** Scorecard ref -> number of the start of its last whole evaluation that succeeded. */
  private readonly wholeEvaluated = new Map<string, number>();

  /** The entities changed (call before enqueueing them). */
  entitiesChanged(entityRefs: Iterable<string>): void {
    const at = ++this.seq;
    for (const ref of entityRefs) this.changed.set(ref, at);
  }

  /** Runs a whole evaluation of the scorecard; once it succeeds, it covers the changes numbered before it started. */
  async wholeEvaluation<T>(scorecardRef: string, evaluate: () => Promise<T>): Promise<T> {
    const at = ++this.seq;
    const result = await evaluate();
    if ((this.wholeEvaluated.get(scorecardRef) ?? 0) < at) this.wholeEvaluated.set(scorecardRef, at);
    return result;
  }

  /** Whether a whole evaluation of the scorecard already saw the entity as it is now. */
  covers(scorecardRef: string, entityRef: string): boolean {
    const change = this.changed.get(entityRef);
    const whole = this.wholeEvaluated.get(scorecardRef);
    return change !== undefined && whole !== undefined && whole > change;
  }

  /** The entities were evaluated (or given up): forget their changes. A change numbered after `at` is kept. */
  evaluated(entityRefs: Iterable<string>, at: number): void {
    for (const ref of entityRefs) {
      if ((this.changed.get(ref) ?? Infinity) <= at) this.changed.delete(ref);
    }
  }

  /** The number of the last change or start, for `evaluated`. */
  get now(): number {
    return this.seq;
  }
}
