import { z } from 'zod';
import { filterSchema } from './schemas';

// Answers of the REST API (the shapes of @portico/plugin-scorecards-common), published in openapi.json.
const dateTime = z.string().meta({ format: 'date-time' });
const ruleStatus = z.enum(['pass', 'fail', 'unknown']);

const scorecardLevel = z.object({ name: z.string(), rank: z.number().int(), color: z.string().optional() });
const scorecardRule = z.object({
  id: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  remediation: z.string().optional(),
  type: z.string(),
  params: z.record(z.string(), z.unknown()),
  level: z.string().optional(),
  weight: z.number().optional(),
  maxAge: z.string().optional(),
});

export const scorecardSummary = z
  .object({
    ref: z.string(),
    name: z.string(),
    namespace: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    spec: z.object({
      owner: z.string(),
      filter: z.union([filterSchema, z.array(filterSchema)]).optional(),
      levels: z.array(scorecardLevel),
      rules: z.array(scorecardRule),
      schedule: z.string().optional(),
    }),
    errors: z.array(z.string()).meta({ description: 'Why the scorecard cannot evaluate; empty when valid' }),
    distribution: z.record(z.string(), z.number().int()),
    lastEvaluatedAt: dateTime.optional(),
  })
  .meta({ id: 'ScorecardSummary' });

export const ruleResult = z
  .object({
    ruleId: z.string(),
    status: ruleStatus,
    evidence: z.record(z.string(), z.unknown()),
    message: z.string(),
    exempted: z.boolean(),
    evaluatedAt: dateTime,
  })
  .meta({ id: 'RuleResult' });

const entityScoreShape = {
  scorecardRef: z.string(),
  entityRef: z.string(),
  level: z.string().nullable(),
  levelRank: z.number().int(),
  score: z.number().min(0).max(1),
  passed: z.number().int(),
  failed: z.number().int(),
  unknown: z.number().int(),
  owner: z.string().optional(),
  evaluatedAt: dateTime,
};
export const entityScore = z.object(entityScoreShape).meta({ id: 'EntityScore' });
const entityScorecardResult = z.object({ ...entityScoreShape, rules: z.array(ruleResult) }).meta({ id: 'EntityScorecardResult' });

export const resultsPage = z
  .object({ items: z.array(entityScore), totalItems: z.number().int(), pageInfo: z.object({ nextCursor: z.string().optional() }) })
  .meta({ id: 'ResultsPage' });

export const ownedResults = z
  .object({ items: z.array(entityScore.extend({ failingRules: z.array(z.string()) })), totalItems: z.number().int() })
  .meta({ id: 'OwnedResults' });

export const trendPoint = z
  .object({ time: dateTime, total: z.number().int(), averageScore: z.number(), levels: z.record(z.string(), z.number().int()) })
  .meta({ id: 'TrendPoint' });

export const fact = z
  .object({ entityRef: z.string(), name: z.string(), value: z.unknown(), source: z.string(), collectedAt: dateTime })
  .meta({ id: 'Fact' });

export const exemption = z
  .object({
    id: z.string(),
    scorecardRef: z.string(),
    entityRef: z.string(),
    ruleId: z.string(),
    reason: z.string(),
    expiresAt: dateTime,
    status: z.enum(['pending', 'approved', 'rejected']),
    requestedBy: z.string(),
    decidedBy: z.string().optional(),
    decidedAt: dateTime.optional(),
    comment: z.string().optional(),
    createdAt: dateTime,
  })
  .meta({ id: 'Exemption' });

export const initiative = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    scorecardRef: z.string(),
    targetLevel: z.string(),
    scope: filterSchema.optional(),
    deadline: z.string(),
    createdBy: z.string(),
    createdAt: dateTime,
    actions: z.array(z.object({ type: z.string(), params: z.record(z.string(), z.unknown()).optional() })).optional(),
  })
  .meta({ id: 'Initiative' });

export const initiativeLink = z.object({ type: z.string(), key: z.string(), url: z.string() }).meta({ id: 'InitiativeLink' });

export const initiativeEntityActionState = z
  .object({
    type: z.string(),
    state: z.enum(['pending', 'open', 'passed', 'error', 'closed']),
    link: initiativeLink.optional(),
    error: z.string().optional(),
    updatedAt: dateTime,
  })
  .meta({ id: 'InitiativeEntityActionState' });

export const initiativeProgress = z
  .object({
    initiative,
    total: z.number().int(),
    atOrAbove: z.number().int(),
    share: z.number(),
    failing: z.array(
      z.object({ entityRef: z.string(), level: z.string().nullable(), owner: z.string().optional(), actions: z.array(initiativeEntityActionState).optional() }),
    ),
    history: z.array(z.object({ time: z.string(), total: z.number().int(), atOrAbove: z.number().int() })),
  })
  .meta({ id: 'InitiativeProgress' });

export const notification = z
  .object({
    id: z.string(),
    recipient: z.string(),
    kind: z.enum(['level-dropped', 'exemption-requested', 'exemption-decided', 'initiative-reminder']),
    title: z.string(),
    body: z.string(),
    link: z.string().optional(),
    createdAt: dateTime,
    readAt: dateTime.optional(),
  })
  .meta({ id: 'Notification' });

export const entityScorecards = z.object({
  entityRef: z.string(),
  scorecards: z.array(
    entityScorecardResult.extend({ title: z.string().optional(), levels: z.array(scorecardLevel), ruleDetails: z.array(scorecardRule) }),
  ),
});

export const evaluateResponse = z.object({
  results: z.array(entityScorecardResult),
  errors: z.array(z.object({ scorecardRef: z.string(), message: z.string() })),
});

export const factsAccepted = z.object({ entityRef: z.string(), accepted: z.array(z.string()) });

/** `{ items: [...] }` of a schema. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
