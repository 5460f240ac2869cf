import {
  computeMetric,
  deploymentOutcomes,
  intervals,
  median,
  shipments,
  type DefinitionConfig,
  type DeploymentRow,
  type EventSet,
  type IncidentRow,
  type PullRequestRow,
} from './definitions';

const H = 3_600_000;
const D = 24 * H;
const at = (iso: string) => Date.parse(iso);
const config: DefinitionConfig = { productionEnvironments: ['production', 'prod-eu'], failureWindowMs: 24 * H };
const WEB = 'component:default/web-shop';
const API = 'component:default/api';

let seq = 0;
const deploy = (finishedAt: number, extra: Partial<DeploymentRow> = {}): DeploymentRow => ({
  source: 'ci',
  id: `d${++seq}`,
  entityRef: WEB,
  environment: 'production',
  status: 'succeeded',
  finishedAt,
  ...extra,
});
const incident = (openedAt: number, resolvedAt: number | null, extra: Partial<IncidentRow> = {}): IncidentRow => ({ source: 'pd', id: `INC-${++seq}`, entityRef: WEB, openedAt, resolvedAt, ...extra });
const pr = (createdAt: number, mergedAt: number | null, extra: Partial<PullRequestRow> = {}): PullRequestRow => ({
  source: 'ci',
  id: `pr${++seq}`,
  entityRef: WEB,
  number: seq,
  createdAt,
  mergedAt,
  ...extra,
});
const events = (e: Partial<EventSet>): EventSet => ({ deployments: [], incidents: [], pullRequests: [], ...e });

const T0 = at('2026-03-02T00:00:00Z'); // a Monday
const period = { from: T0, to: T0 + 7 * D };

describe('deployment frequency', () => {
  it('counts production deployments of any status per day of the period, leaving other environments out', () => {
    const set = events({
      deployments: [deploy(T0 + H), deploy(T0 + 2 * D, { status: 'failed' }), deploy(T0 + 3 * D, { environment: 'PROD-EU ' }), deploy(T0 + 4 * D, { environment: 'staging' })],
    });
    expect(computeMetric('deploymentFrequency', set, period, config)).toEqual({ value: 3 / 7, sampleSize: 3 });
  });

  it('is insufficient data for an entity never deployed, and 0 for one deployed before but not in the period', () => {
    expect(computeMetric('deploymentFrequency', events({}), period, config)).toEqual({ value: null, sampleSize: 0, insufficientData: 'no production deployment recorded; at least 1 needed' });
    expect(computeMetric('deploymentFrequency', events({ deployments: [deploy(T0 - 40 * D)] }), period, config)).toEqual({ value: 0, sampleSize: 0 });
  });

  it('places an event sent with a time-zone offset at its UTC instant', () => {
    // 2026-03-09T00:30:00+01:00 is 2026-03-08T23:30:00Z: inside the week ending 2026-03-09T00:00Z.
    const set = events({ deployments: [deploy(at('2026-03-09T00:30:00+01:00')), deploy(at('2026-03-09T00:30:00Z'))] });
    expect(computeMetric('deploymentFrequency', set, period, config).sampleSize).toBe(1);
  });
});

describe('change failure rate', () => {
  it('marks a deployment failed by status, by an incident within the window, or by the next deployment being a hotfix', () => {
    const failedStatus = deploy(T0 + H, { status: 'rolled_back' });
    const beforeIncident = deploy(T0 + 1 * D);
    const inc = incident(T0 + 1 * D + 40 * 60_000, T0 + 1 * D + 2 * H, { id: 'INC-1' });
    const beforeHotfix = deploy(T0 + 3 * D);
    const hotfix = deploy(T0 + 3 * D + 2 * H, { hotfix: true });
    const fine = deploy(T0 + 5 * D);
    const lateIncident = incident(T0 + 6 * D + 2 * H, null); // 26 h after `fine`: outside the window
    const outcomes = deploymentOutcomes([fine, hotfix, beforeHotfix, failedStatus, beforeIncident], [lateIncident, inc], config);
    const reasons = Object.fromEntries(outcomes.map(o => [o.deployment.id, o.failed ? o.reason : 'ok']));
    expect(reasons).toEqual({
      [failedStatus.id]: 'failed: status rolled_back',
      [beforeIncident.id]: 'failed: incident INC-1 opened 40 min after',
      [beforeHotfix.id]: `failed: hotfix deployment ${hotfix.id} finished 2 h after`,
      [hotfix.id]: 'ok',
      [fine.id]: 'ok',
    });
    const value = computeMetric('changeFailureRate', events({ deployments: [fine, hotfix, beforeHotfix, failedStatus, beforeIncident], incidents: [lateIncident, inc] }), period, config);
    expect(value).toEqual({ value: 3 / 5, sampleSize: 5 });
  });

  it('does not blame a deployment of another entity, or an incident with no deployment before it', () => {
    const apiDeploy = deploy(T0 + D, { entityRef: API });
    const webDeploys = [deploy(T0 + 2 * D), deploy(T0 + 3 * D), deploy(T0 + 4 * D)];
    const webIncident = incident(T0 + D + H, T0 + D + 2 * H); // before any web deployment; after the api one
    const value = computeMetric('changeFailureRate', events({ deployments: [apiDeploy, ...webDeploys], incidents: [webIncident] }), period, config);
    expect(value).toEqual({ value: 0, sampleSize: 4 });
  });

  it('needs three production deployments', () => {
    expect(computeMetric('changeFailureRate', events({ deployments: [deploy(T0 + H), deploy(T0 + 2 * H)] }), period, config)).toEqual({
      value: null,
      sampleSize: 2,
      insufficientData: '2 production deployments; at least 3 needed',
    });
  });

  it('gives the same outcomes whatever order the events arrive in', () => {
    const deployments = [deploy(T0 + H), deploy(T0 + 5 * H, { hotfix: true }), deploy(T0 + 2 * D), deploy(T0 + 2 * D + H, { status: 'failed' })];
    const incidents = [incident(T0 + 2 * D + 30 * 60_000, null)];
    const forward = deploymentOutcomes(deployments, incidents, config).map(o => [o.deployment.id, o.failed]);
    const backward = deploymentOutcomes(deployments.slice().reverse(), incidents, config).map(o => [o.deployment.id, o.failed]);
    expect(new Map(backward as Array<[string, boolean]>)).toEqual(new Map(forward as Array<[string, boolean]>));
  });
});

describe('lead time', () => {
  it('runs from the first commit (else the merge) to the end of the first successful production deployment after the merge', () => {
    const failed = deploy(T0 + 10 * H, { status: 'failed' });
    const staging = deploy(T0 + 11 * H, { environment: 'staging' });
    const shipping = deploy(T0 + 12 * H);
    const withCommit = pr(T0, T0 + 6 * H, { firstCommitAt: T0 - 2 * H });
    const withoutCommit = pr(T0, T0 + 8 * H);
    const result = shipments([withCommit, withoutCommit], [shipping, staging, failed], config);
    expect(result.map(s => [s.deployment?.id, s.leadTimeHours])).toEqual([
      [shipping.id, 14],
      [shipping.id, 4],
    ]);
    expect(result[1]!.reason).toBe(`4 h from merge (first commit unknown) to the end of deployment ${shipping.id}, the first successful production deployment after the merge`);
  });

  it('uses the deployment the pull request names (deployedIn) over the first one after the merge', () => {
    const first = deploy(T0 + 2 * H);
    const named = deploy(T0 + 30 * H);
    const p = pr(T0, T0 + H, { deployedIn: named.id });
    expect(shipments([p], [first, named], config)[0]).toMatchObject({ deployment: named, leadTimeHours: 29 });
  });

  it('leaves out a pull request merged but never deployed, and a deployment with no pull requests changes nothing', () => {
    const lonely = deploy(T0 + 2 * D);
    const neverDeployed = pr(T0 + 3 * D, T0 + 3 * D + H);
    const shippedA = pr(T0, T0 + H);
    const shippedB = pr(T0, T0 + 2 * H);
    const set = events({ deployments: [lonely], pullRequests: [neverDeployed, shippedA, shippedB] });
    expect(shipments(set.pullRequests, set.deployments, config).find(s => s.pullRequest === neverDeployed)).toMatchObject({ deployment: null, reason: 'not counted: merged but not deployed to production yet' });
    expect(computeMetric('leadTime', set, period, config)).toEqual({ value: null, sampleSize: 2, insufficientData: '2 pull requests shipped to production; at least 3 needed' });
    const third = pr(T0, T0 + 3 * H);
    expect(computeMetric('leadTime', { ...set, pullRequests: [...set.pullRequests, third] }, period, config)).toEqual({ value: 46, sampleSize: 3 });
  });

  it('counts a pull request in the period its deployment finished in, even when merged before the period', () => {
    const p = pr(T0 - 3 * D, T0 - 2 * D);
    const d = deploy(T0 + H);
    const shipped = shipments([p], [d], config);
    expect(shipped[0]!.leadTimeHours).toBe(2 * 24 + 1);
  });
});

describe('time to restore', () => {
  it('is the median over incidents resolved in the period; open ones wait', () => {
    const set = events({
      incidents: [incident(T0, T0 + H), incident(T0 + D, T0 + D + 3 * H), incident(T0 - D, T0 + 2 * D), incident(T0 + 2 * D, null)],
    });
    expect(computeMetric('timeToRestore', set, period, config)).toEqual({ value: 3, sampleSize: 3 });
  });

  it('counts an incident with no deployment before it', () => {
    expect(computeMetric('timeToRestore', events({ incidents: [incident(T0 + H, T0 + 3 * H)] }), period, config)).toEqual({ value: 2, sampleSize: 1 });
  });

  it('measures hours across a daylight-saving change by the instants, not the wall clocks', () => {
    // Europe/Berlin springs forward on 2026-03-29: 01:30+01:00 to 03:30+02:00 is one hour, not two.
    const i = incident(at('2026-03-29T01:30:00+01:00'), at('2026-03-29T03:30:00+02:00'));
    const dstWeek = { from: at('2026-03-23T00:00:00Z'), to: at('2026-03-30T00:00:00Z') };
    expect(computeMetric('timeToRestore', events({ incidents: [i] }), dstWeek, config)).toEqual({ value: 1, sampleSize: 1 });
  });
});

describe('pull-request metrics', () => {
  const merged = [
    pr(T0, T0 + 10 * H, { firstReviewAt: T0 + 2 * H, additions: 10, deletions: 5 }),
    pr(T0, T0 + 20 * H, { firstReviewAt: T0 + 4 * H, additions: 100, deletions: 0 }),
    pr(T0, T0 + 30 * H, { additions: 40, deletions: 10 }),
    pr(T0, T0 + 40 * H, { firstReviewAt: T0 + 41 * H, additions: null, deletions: null }), // reviewed after the merge
    pr(T0, null, { firstReviewAt: T0 + H }), // open: not merged
  ];
  const set = events({ pullRequests: merged });

  it('cycle time, time to first review, reviewed share and size over pull requests merged in the period', () => {
    expect(computeMetric('prCycleTime', set, period, config)).toEqual({ value: 25, sampleSize: 4 });
    expect(computeMetric('timeToFirstReview', set, period, config)).toEqual({ value: null, sampleSize: 2, insufficientData: '2 reviewed pull requests merged; at least 3 needed' });
    expect(computeMetric('reviewedShare', set, period, config)).toEqual({ value: 0.5, sampleSize: 4 });
    expect(computeMetric('prSize', set, period, config)).toEqual({ value: 50, sampleSize: 3 });
  });

  it('says why there is no value instead of 0', () => {
    const two = events({ pullRequests: merged.slice(0, 2) });
    expect(computeMetric('prCycleTime', two, period, config)).toEqual({ value: null, sampleSize: 2, insufficientData: '2 pull requests merged; at least 3 needed' });
    expect(computeMetric('reviewedShare', events({}), period, config)).toEqual({ value: null, sampleSize: 0, insufficientData: '0 pull requests merged; at least 3 needed' });
  });
});

describe('intervals (UTC)', () => {
  it('cuts days at 00:00 UTC, 24 h each, including a daylight-saving day in Europe and the US', () => {
    const days = intervals(at('2026-03-28T12:00:00Z'), at('2026-03-31T00:00:00Z'), 'day');
    expect(days.map(d => new Date(d.start).toISOString())).toEqual(['2026-03-28T12:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-30T00:00:00.000Z']);
    expect(days.slice(1).map(d => d.end - d.start)).toEqual([D, D]);
    const us = intervals(at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'), 'day');
    expect(us).toEqual([{ start: at('2026-11-01T00:00:00Z'), end: at('2026-11-02T00:00:00Z') }]);
  });

  it('starts weeks on Monday and months on the 1st', () => {
    const weeks = intervals(at('2026-03-04T00:00:00Z'), at('2026-03-20T00:00:00Z'), 'week');
    expect(weeks.map(w => new Date(w.start).toISOString().slice(0, 10))).toEqual(['2026-03-04', '2026-03-09', '2026-03-16']);
    const months = intervals(at('2026-01-15T00:00:00Z'), at('2026-03-02T00:00:00Z'), 'month');
    expect(months.map(m => new Date(m.start).toISOString().slice(0, 10))).toEqual(['2026-01-15', '2026-02-01', '2026-03-01']);
  });

  it('places a deployment sent in local time on the UTC day of its instant', () => {
    // 2026-03-29T23:30:00-04:00 (New York) is 2026-03-30T03:30Z.
    const d = deploy(at('2026-03-29T23:30:00-04:00'));
    const days = intervals(at('2026-03-29T00:00:00Z'), at('2026-03-31T00:00:00Z'), 'day');
    const counts = days.map(slot => computeMetric('deploymentFrequency', events({ deployments: [d] }), { from: slot.start, to: slot.end }, config).sampleSize);
    expect(counts).toEqual([0, 1]);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
