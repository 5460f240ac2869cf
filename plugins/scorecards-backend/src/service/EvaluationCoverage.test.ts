import { EvaluationCoverage } from './EvaluationCoverage';

describe('EvaluationCoverage', () => {
  it('covers an entity on a scorecard whose whole evaluation started after the change, until it changes again', async () => {
    const coverage = new EvaluationCoverage();
    coverage.entitiesChanged(['component:default/a']);
    expect(coverage.covers('scorecard:default/s', 'component:default/a')).toBe(false);
    await coverage.wholeEvaluation('scorecard:default/s', async () => {
      // changed while the evaluation ran: it may have read the entity before the change
      coverage.entitiesChanged(['component:default/b']);
    });
    expect(coverage.covers('scorecard:default/s', 'component:default/a')).toBe(true);
    expect(coverage.covers('scorecard:default/s', 'component:default/b')).toBe(false);
    expect(coverage.covers('scorecard:default/other', 'component:default/a')).toBe(false);

    coverage.entitiesChanged(['component:default/a']);
    expect(coverage.covers('scorecard:default/s', 'component:default/a')).toBe(false);
  });

  it('does not count a whole evaluation that failed', async () => {
    const coverage = new EvaluationCoverage();
    coverage.entitiesChanged(['component:default/a']);
    await expect(coverage.wholeEvaluation('scorecard:default/s', async () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(coverage.covers('scorecard:default/s', 'component:default/a')).toBe(false);
  });

  it('forgets evaluated entities, but keeps a change made while they were evaluated', async () => {
    const coverage = new EvaluationCoverage();
    coverage.entitiesChanged(['component:default/a', 'component:default/b']);
    await coverage.wholeEvaluation('scorecard:default/s', async () => undefined);
    const at = coverage.now;
    coverage.entitiesChanged(['component:default/b']);
    coverage.evaluated(['component:default/a', 'component:default/b'], at);
    // an entity with no change pending is not covered: whatever enqueues it is evaluated in full
    expect(coverage.covers('scorecard:default/s', 'component:default/a')).toBe(false);
    await coverage.wholeEvaluation('scorecard:default/s', async () => undefined);
    expect(coverage.covers('scorecard:default/s', 'component:default/b')).toBe(true);
  });
});
