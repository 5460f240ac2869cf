import { computeScore, type ScoredRule } from './scoring';

const levels = [
  { name: 'Gold', rank: 3 },
  { name: 'Bronze', rank: 1 },
  { name: 'Silver', rank: 2 },
];

function r(id: string, level: string | undefined, status: ScoredRule['status'], extra: Partial<ScoredRule> & { weight?: number } = {}): ScoredRule {
  return { rule: { id, level, weight: extra.weight }, status, exempted: extra.exempted ?? false };
}

describe('computeScore', () => {
  it('reaches the highest level whose rules and all lower rules pass', () => {
    const out = computeScore(levels, [r('a', 'Bronze', 'pass'), r('b', 'Silver', 'pass'), r('c', 'Gold', 'fail')]);
    expect(out.level?.name).toBe('Silver');
    expect(out).toMatchObject({ passed: 2, failed: 1, unknown: 0 });
  });

  it('stops at a failing lower level even when a higher level passes', () => {
    const out = computeScore(levels, [r('a', 'Bronze', 'fail'), r('b', 'Silver', 'pass'), r('c', 'Gold', 'pass')]);
    expect(out.level).toBeNull();
  });

  it('treats unknown as not passing', () => {
    expect(computeScore(levels, [r('a', 'Bronze', 'unknown')]).level).toBeNull();
  });

  it('counts exempted rules as passing', () => {
    const out = computeScore(levels, [r('a', 'Bronze', 'fail', { exempted: true }), r('b', 'Silver', 'pass')]);
    expect(out.level?.name).toBe('Gold');
    expect(out.score).toBe(1);
  });

  it('weights the score', () => {
    const out = computeScore(levels, [r('a', 'Bronze', 'pass'), r('b', 'Silver', 'fail', { weight: 2 }), r('c', undefined, 'pass')]);
    expect(out.score).toBe(0.5);
    expect(out.level?.name).toBe('Bronze');
  });

  it('scores 1 with no rules and reaches every level', () => {
    expect(computeScore(levels, [])).toMatchObject({ score: 1, level: { name: 'Gold' } });
  });
});
