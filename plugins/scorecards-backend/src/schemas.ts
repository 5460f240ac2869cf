import { z } from 'zod';

// Request schemas of the REST API, shared by the router (validation) and the OpenAPI document.
const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const filterSchema = z.record(z.string(), z.union([scalar, z.array(scalar)]));

export const resultsQuery = z.object({
  level: z.string().max(255).optional(),
  owner: z.string().max(512).optional(),
  failingRule: z.string().max(255).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
/** One owner ref or several (`?owner=user:default/jane&owner=group:default/team-a`); a bare name means a group. */
const ownerRefs = z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(100)]);
export const ownedResultsQuery = z.object({
  owner: ownerRefs,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const initiativesOwnerQuery = ownerRefs.optional();
export const trendsQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export const factsBody = z.object({
  entityRef: z.string().min(1).max(1024),
  source: z.string().min(1).max(255),
  facts: z.record(z.string().min(1).max(255), z.unknown()).refine(f => Object.keys(f).length > 0, { message: 'must name at least one fact' }),
});
export const exemptionBody = z.object({
  scorecardRef: z.string().min(1).max(1024),
  entityRef: z.string().min(1).max(1024),
  ruleId: z.string().min(1).max(255),
  reason: z.string().min(1).max(4000),
  expiresAt: z.iso.datetime({ offset: true }),
});
export const exemptionsQuery = z.object({
  scorecardRef: z.string().max(1024).optional(),
  entityRef: z.string().max(1024).optional(),
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
});
export const decisionBody = z.object({ status: z.enum(['approved', 'rejected']), comment: z.string().max(4000).optional() });
export const initiativeBody = z.object({
  title: z.string().min(1).max(255),
  description: z.string().max(4000).optional(),
  scorecardRef: z.string().min(1).max(1024),
  targetLevel: z.string().min(1).max(255),
  scope: filterSchema.optional(),
  deadline: z.union([z.iso.datetime({ offset: true }), z.iso.date()]),
  actions: z
    .array(z.object({ type: z.string().min(1).max(255), params: z.record(z.string(), z.unknown()).optional() }).strict())
    .max(10)
    .optional(),
});
export const evaluateBody = z
  .object({ scorecardRef: z.string().min(1).max(1024).optional(), entityRef: z.string().min(1).max(1024).optional() })
  .refine(b => b.scorecardRef || b.entityRef, { message: 'name a scorecardRef, an entityRef or both' });
export const notificationsQuery = z.object({
  recipient: z.string().max(512).optional(),
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

