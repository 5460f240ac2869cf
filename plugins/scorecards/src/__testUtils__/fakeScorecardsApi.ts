import type {
  EntityScorecardsResponse,
  Exemption,
  Initiative,
  InitiativeProgress,
  Page,
  ScorecardNotification,
  ScorecardSummary,
  TrendPoint,
} from '@portico/plugin-scorecards-common';
import type { GetResultsRequest, RequestExemptionRequest, ScorecardResultRow, ScorecardsApi } from '../api/ScorecardsApi';

const levels = [
  { name: 'Bronze', rank: 1, color: '#c38b5f' },
  { name: 'Silver', rank: 2, color: '#8c9298' },
  { name: 'Gold', rank: 3, color: '#cda400' },
];

export const productionReadiness: ScorecardSummary = {
  ref: 'scorecard:default/production-readiness',
  name: 'production-readiness',
  namespace: 'default',
  title: 'Production readiness',
  description: 'Services that are safe to run in production',
  spec: {
    owner: 'group:default/platform',
    levels,
    rules: [
      { id: 'has-owner', title: 'Has an owner', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Bronze' },
      {
        id: 'has-runbook',
        title: 'Has a runbook',
        type: 'binary',
        params: { fact: 'catalog.hasRunbook' },
        level: 'Silver',
        weight: 2,
        remediation: 'Add a link of type runbook to metadata.links.',
      },
      {
        id: 'coverage',
        title: 'Coverage of 80%',
        type: 'target',
        params: { fact: 'coverage.percent', min: 80 },
        level: 'Gold',
        remediation: 'Write more tests.',
      },
    ],
  },
  errors: [],
  distribution: { none: 1, Bronze: 2, Silver: 0, Gold: 3 },
  lastEvaluatedAt: '2026-11-27T10:00:00.000Z',
};

export const brokenScorecard: ScorecardSummary = {
  ref: 'scorecard:default/broken',
  name: 'broken',
  namespace: 'default',
  spec: { owner: '', levels: [], rules: [] },
  errors: ["rule 'x' names level 'Platinum', which is not defined"],
  distribution: {},
};

export function resultRow(entityRef: string, overrides: Partial<ScorecardResultRow> = {}): ScorecardResultRow {
  return {
    scorecardRef: productionReadiness.ref,
    entityRef,
    level: 'Bronze',
    levelRank: 1,
    score: 0.25,
    passed: 1,
    failed: 2,
    unknown: 0,
    owner: 'group:default/team-a',
    evaluatedAt: '2026-11-27T10:00:00.000Z',
    failingRules: ['has-runbook', 'coverage'],
    ...overrides,
  };
}

export const trend: TrendPoint[] = [
  { time: '2026-11-20T00:00:00.000Z', total: 6, averageScore: 0.4, levels: { none: 3, Bronze: 2, Gold: 1 } },
  { time: '2026-11-27T00:00:00.000Z', total: 6, averageScore: 0.7, levels: { none: 1, Bronze: 2, Gold: 3 } },
];

export const initiative: Initiative = {
  id: 'i-1',
  title: 'Everything Silver by new year',
  description: 'Runbooks for every service',
  scorecardRef: productionReadiness.ref,
  targetLevel: 'Silver',
  deadline: '2026-12-31T00:00:00.000Z',
  createdBy: 'user:default/guest',
  createdAt: '2026-11-01T00:00:00.000Z',
};

export const initiativeProgress: InitiativeProgress = {
  initiative,
  total: 4,
  atOrAbove: 1,
  share: 0.25,
  failing: [
    { entityRef: 'component:default/checkout', level: 'Bronze', owner: 'group:default/team-a' },
    { entityRef: 'component:default/search', level: null, owner: 'group:default/team-b' },
    { entityRef: 'component:default/billing', level: 'Bronze', owner: 'group:default/team-a' },
  ],
  history: [
    { time: '2026-11-01T00:00:00.000Z', total: 4, atOrAbove: 0 },
    { time: '2026-11-27T00:00:00.000Z', total: 4, atOrAbove: 1 },
  ],
};

export const notifications: ScorecardNotification[] = [
  {
    id: 'n-1',
    recipient: 'group:default/team-a',
    kind: 'level-dropped',
    title: 'checkout dropped to Bronze',
    body: 'checkout no longer has a runbook.',
    link: '/catalog/default/component/checkout/scorecards',
    createdAt: '2026-11-27T09:00:00.000Z',
  },
  {
    id: 'n-2',
    recipient: 'user:default/guest',
    kind: 'exemption-decided',
    title: 'Exemption approved',
    body: 'Your exemption for coverage on search was approved.',
    createdAt: '2026-11-26T09:00:00.000Z',
    readAt: '2026-11-26T10:00:00.000Z',
  },
];

export function entityScorecards(entityRef: string): EntityScorecardsResponse {
  return {
    entityRef,
    scorecards: [
      {
        scorecardRef: productionReadiness.ref,
        entityRef,
        title: productionReadiness.title,
        level: 'Bronze',
        levelRank: 1,
        score: 0.25,
        passed: 1,
        failed: 1,
        unknown: 1,
        evaluatedAt: '2026-11-27T10:00:00.000Z',
        levels: productionReadiness.spec.levels,
        ruleDetails: productionReadiness.spec.rules,
        rules: [
          {
            ruleId: 'has-owner',
            status: 'pass',
            evidence: { 'catalog.hasOwner': true },
            message: 'catalog.hasOwner is true',
            exempted: false,
            evaluatedAt: '2026-11-27T10:00:00.000Z',
          },
          {
            ruleId: 'has-runbook',
            status: 'fail',
            evidence: { 'catalog.hasRunbook': false },
            message: 'catalog.hasRunbook is false',
            exempted: false,
            evaluatedAt: '2026-11-27T10:00:00.000Z',
          },
          {
            ruleId: 'coverage',
            status: 'unknown',
            evidence: {},
            message: 'coverage.percent is missing',
            exempted: false,
            evaluatedAt: '2026-11-27T10:00:00.000Z',
          },
        ],
      },
    ],
  };
}

export const exemption: Exemption = {
  id: 'e-7',
  scorecardRef: productionReadiness.ref,
  entityRef: 'component:default/checkout',
  ruleId: 'has-runbook',
  reason: 'The runbook lives in the wiki until Q1',
  expiresAt: '2027-03-31T23:59:59.000Z',
  status: 'pending',
  requestedBy: 'user:default/jane',
  createdAt: '2026-11-27T10:00:00.000Z',
};

function notImplemented(name: string): never {
  throw new Error(`FakeScorecardsApi.${name} is not set up for this test`);
}

/** A ScorecardsApi whose methods are jest mocks with sensible answers; override per test. */
export function fakeScorecardsApi(overrides: Partial<ScorecardsApi> = {}): jest.Mocked<ScorecardsApi> {
  const api: jest.Mocked<ScorecardsApi> = {
    getScorecards: jest.fn(async () => [productionReadiness]),
    getScorecard: jest.fn(async (ref: string) => (ref === productionReadiness.ref ? productionReadiness : notImplemented('getScorecard'))),
    getResults: jest.fn(
      async (_ref: string, _request?: GetResultsRequest): Promise<Page<ScorecardResultRow>> => ({
        items: [resultRow('component:default/checkout')],
        totalItems: 1,
        pageInfo: {},
      }),
    ),
    getResultsOfOwners: jest.fn(async (_request: { owners: string[]; limit?: number }) => ({ items: [], totalItems: 0 })),
    getTrends: jest.fn(async (_ref: string, _request?: { since?: string; until?: string }) => trend),
    getEntityScorecards: jest.fn(async (ref: string) => entityScorecards(ref)),
    evaluate: jest.fn(async (_request: { scorecardRef?: string; entityRef?: string }) => ({ results: [], errors: [] })),
    getExemptions: jest.fn(async (): Promise<Exemption[]> => []),
    requestExemption: jest.fn(
      async (request: RequestExemptionRequest): Promise<Exemption> => ({
        id: 'e-1',
        ...request,
        status: 'pending',
        requestedBy: 'user:default/guest',
        createdAt: '2026-11-27T10:00:00.000Z',
      }),
    ),
    getExemption: jest.fn(async (id: string) => (id === exemption.id ? exemption : notImplemented('getExemption'))),
    decideExemption: jest.fn(
      async (id: string, decision: { status: 'approved' | 'rejected'; comment?: string }): Promise<Exemption> => ({
        ...exemption,
        id,
        status: decision.status,
        ...(decision.comment ? { comment: decision.comment } : {}),
        decidedBy: 'user:default/guest',
        decidedAt: '2026-11-27T11:00:00.000Z',
      }),
    ),
    getInitiatives: jest.fn(async () => [initiative]),
    getInitiativeProgress: jest.fn(async (_id: string) => initiativeProgress),
    getNotifications: jest.fn(async () => notifications),
    markNotificationRead: jest.fn(async (_id: string): Promise<void> => undefined),
  };
  return Object.assign(api, overrides);
}
