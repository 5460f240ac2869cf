/**
 * The authorization matrix: for every route of the default portal, what each kind of caller gets. An entry
 * per route is required (the test fails on a route without one, and on an entry whose route is gone), so a
 * new route is a decision someone writes down here. docs/permissions.md, "The authorization matrix", explains
 * the callers and the outcomes.
 */

/** Who calls. */
export const CALLERS = [
  'none',
  'expired',
  'forged',
  'algNone',
  'serviceOther',
  'external',
  'plain',
  'owner',
  'admin',
  'serviceSelf',
] as const;
export type Caller = (typeof CALLERS)[number];

/**
 * `pass`: authentication and authorization let the request through (any answer but 401, 403 or 5xx: the
 * handler may still say 400, 404 or 409 about the input). `401` / `403`: refused, exactly that status.
 */
export type Outcome = 'pass' | 401 | 403;
export type Row = Record<Caller, Outcome>;

/** A bad or misdirected token is a 401 on every route that reads credentials at all. */
const BAD_TOKENS = { expired: 401, forged: 401, algNone: 401, serviceOther: 401 } as const;

/** The host's own routes, which read no credentials: open to everyone, whatever they send. */
const HOST_OPEN: Row = Object.fromEntries([...CALLERS].map(c => [c, 'pass'])) as Row;

interface Guarded {
  plain: Outcome;
  owner: Outcome;
  admin: Outcome;
  /** A service token for the route's own plugin (RBAC allows calls between plugins). Default pass. */
  serviceSelf?: Outcome;
  /** The external token restricted to the catalog and `catalog.entity.read`. Default 403. */
  external?: Outcome;
}

/** A route behind default deny: no credentials or a bad token is 401, then the policy decides. */
function guarded(row: Guarded): Row {
  return { none: 401, ...BAD_TOKENS, external: 403, serviceSelf: 'pass', ...row };
}

/** A route anyone may call without credentials; a token that is sent must still be valid. */
function open(row: Partial<Row> = {}): Row {
  return { none: 'pass', ...BAD_TOKENS, external: 403, plain: 'pass', owner: 'pass', admin: 'pass', serviceSelf: 'pass', ...row };
}

const everyone = (row: Partial<Guarded> = {}) => guarded({ plain: 'pass', owner: 'pass', admin: 'pass', ...row });
const owners = (row: Partial<Guarded> = {}) => guarded({ plain: 403, owner: 'pass', admin: 'pass', ...row });
const admins = (row: Partial<Guarded> = {}) => guarded({ plain: 403, owner: 403, admin: 'pass', ...row });
/** `auth: 'user'` routes: a person's own things (sessions, personal tokens); a service token is refused. */
const usersOnly = () => guarded({ plain: 'pass', owner: 'pass', admin: 'pass', serviceSelf: 403 });
/** Catalog reads the external token's one permission covers. */
const catalogRead = () => everyone({ external: 'pass' });

export const MATRIX: Record<string, Row> = {
  // The host. /metrics is served only with backend.metrics.public: true (the test portal leaves it unset): else a
  // 403 naming that key, to everyone (metrics are scraped, not asked for by people).
  'GET /healthz': HOST_OPEN,
  'GET /readyz': HOST_OPEN,
  'GET /metrics': Object.fromEntries([...CALLERS].map(c => [c, 403])) as Row,

  // The auth plugin: sign-in is open; a session's own routes need a user.
  'GET /api/auth/openapi.json': everyone(),
  'GET /api/auth/providers': open(),
  'GET /api/auth/:provider/start': open(),
  'GET /api/auth/:provider/handler/frame': open(),
  // Guest is off in this portal: a 403 that names auth.allowGuest, whoever asks.
  'POST /api/auth/guest/sign-in': open({ none: 403, plain: 403, owner: 403, admin: 403, serviceSelf: 403 }),
  // Refresh and sign-out act on the session cookies: refresh without a refresh cookie has no session to renew (401,
  // sign in) and with one needs the CSRF header; sign-out needs the CSRF header whatever else is sent.
  'POST /api/auth/refresh': open({ none: 401, plain: 401, owner: 401, admin: 401, serviceSelf: 401 }),
  'POST /api/auth/sign-out': open({ none: 403, plain: 403, owner: 403, admin: 403, serviceSelf: 403 }),
  'GET /api/auth/.well-known/jwks.json': open(),
  'GET /api/auth/me': usersOnly(),
  'GET /api/auth/tokens': usersOnly(),
  'POST /api/auth/tokens': usersOnly(),
  'DELETE /api/auth/tokens/:id': usersOnly(),
  // portico login (device authorization): the CLI asks for codes and polls without credentials; a person approves.
  'POST /api/auth/device/code': open(),
  'POST /api/auth/device/token': open(),
  'GET /api/auth/device/:user_code': usersOnly(),
  'POST /api/auth/device/:user_code/approve': usersOnly(),
  'POST /api/auth/device/:user_code/deny': usersOnly(),

  // The permission and audit built-ins.
  'GET /api/permission/openapi.json': everyone(),
  'POST /api/permission/authorize': everyone(),
  'GET /api/permission/permissions': everyone(),
  'GET /api/permission/roles': admins(),
  'GET /api/permission/roles/:name': admins(),
  'PUT /api/permission/roles/:name': admins(),
  'DELETE /api/permission/roles/:name': admins(),
  'GET /api/audit/openapi.json': everyone(),
  'GET /api/audit/events': admins(),

  // The catalog: everyone reads, owners manage their entities, admins register and delete locations.
  'GET /api/catalog/openapi.json': catalogRead(),
  'GET /api/catalog/entities': catalogRead(),
  'GET /api/catalog/entities/by-query': catalogRead(),
  'POST /api/catalog/entities/by-refs': catalogRead(),
  'GET /api/catalog/entities/errors': everyone(),
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name': catalogRead(),
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name/ancestry': catalogRead(),
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name/history': catalogRead(),
  'GET /api/catalog/entities/by-uid/:uid': catalogRead(),
  'DELETE /api/catalog/entities/by-uid/:uid': owners(),
  'GET /api/catalog/entity-facets': catalogRead(),
  'GET /api/catalog/search': catalogRead(),
  'POST /api/catalog/locations': admins(),
  'GET /api/catalog/locations': everyone(),
  'GET /api/catalog/locations/by-entity/:kind/:namespace/:name': everyone(),
  'GET /api/catalog/locations/:id': everyone(),
  'DELETE /api/catalog/locations/:id': admins(),
  'POST /api/catalog/refresh': owners(),
  'POST /api/catalog/validate-entity': catalogRead(),

  // The scaffolder: everyone runs templates; a run is its creator's (and admins'); an approval is its
  // assignees' and never the requester's (the owner here started the run and is also in the approving group).
  'GET /api/scaffolder/openapi.json': everyone(),
  'GET /api/scaffolder/v2/actions': everyone(),
  'POST /api/scaffolder/v2/tasks': everyone(),
  'GET /api/scaffolder/v2/tasks': everyone(),
  'GET /api/scaffolder/v2/tasks/:taskId': owners(),
  'POST /api/scaffolder/v2/tasks/:taskId/cancel': owners(),
  'POST /api/scaffolder/v2/tasks/:taskId/retry': owners(),
  'GET /api/scaffolder/v2/tasks/:taskId/events': owners(),
  'GET /api/scaffolder/v2/tasks/:taskId/eventstream': owners(),
  'POST /api/scaffolder/v2/dry-run': everyone(),
  'GET /api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema': everyone(),
  'GET /api/scaffolder/v2/inbox': everyone(),
  // The owner's run waits for group:default/storefront: the owner is in it but started the run, so may not
  // approve it (rejecting withdraws it); the admin and a service are not assignees. (A storefront member who
  // did not start it approves: authorizationMatrix.test.ts.)
  'POST /api/scaffolder/v2/tasks/:taskId/steps/:stepId/approve': guarded({ plain: 403, owner: 403, admin: 403, serviceSelf: 403 }),
  'POST /api/scaffolder/v2/tasks/:taskId/steps/:stepId/reject': guarded({ plain: 403, owner: 'pass', admin: 403, serviceSelf: 403 }),
  // The platform team's input, after the approval: the admin is in the platform team.
  'POST /api/scaffolder/v2/tasks/:taskId/steps/:stepId/submit': guarded({ plain: 403, owner: 403, admin: 'pass' }),

  // Scorecards: reads need credentials only; facts and initiatives are admins'; an exemption is decided by
  // the scorecard's owners or admins, never by whoever requested it.
  'GET /api/scorecards/openapi.json': everyone(),
  'GET /api/scorecards/scorecards': everyone(),
  'GET /api/scorecards/scorecards/:namespace/:name': everyone(),
  'GET /api/scorecards/scorecards/:namespace/:name/results': everyone(),
  'GET /api/scorecards/results': everyone(),
  'GET /api/scorecards/scorecards/:namespace/:name/trends': everyone(),
  'GET /api/scorecards/scorecards/:namespace/:name/entities/:kind/:entityNamespace/:entityName/history': everyone(),
  'GET /api/scorecards/entities/:kind/:namespace/:name': everyone(),
  'GET /api/scorecards/entities/:kind/:namespace/:name/facts': everyone(),
  'POST /api/scorecards/facts': admins(),
  'POST /api/scorecards/collect': admins(),
  'POST /api/scorecards/evaluate': everyone(),
  'GET /api/scorecards/exemptions': everyone(),
  'POST /api/scorecards/exemptions': everyone(),
  'GET /api/scorecards/exemptions/:id': everyone(),
  'POST /api/scorecards/exemptions/:id/decision': guarded({ plain: 403, owner: 403, admin: 'pass' }),
  'GET /api/scorecards/initiatives': everyone(),
  'POST /api/scorecards/initiatives': admins(),
  'GET /api/scorecards/initiatives/:id': everyone(),
  'DELETE /api/scorecards/initiatives/:id': admins(),
  'GET /api/scorecards/notifications': everyone(),
  'POST /api/scorecards/notifications/:id/read': everyone(),

  // GitHub: webhooks are open but signed (the matrix signs its delivery); discovery previews are admins'.
  'POST /api/github/webhooks': open(),
  'GET /api/github/openapi.json': everyone(),
  'GET /api/github/repos/:owner/:repo/summary': everyone(),
  'GET /api/github/repos/:owner/:repo/pulls': everyone(),
  'GET /api/github/discovery/preview': admins(),

  // PagerDuty: an entity's on-call and incidents, read as the caller (the catalog decides who may read the entity).
  'GET /api/pagerduty/openapi.json': everyone(),
  'GET /api/pagerduty/entities/:kind/:namespace/:name/summary': everyone(),
  // The account's service list and the saved mappings are admins' (no default role grants pagerduty.*).
  'GET /api/pagerduty/services': admins(),
  'GET /api/pagerduty/mappings': admins(),
  'PUT /api/pagerduty/services/:account/:serviceId/mapping': admins(),
  'DELETE /api/pagerduty/services/:account/:serviceId/mapping': admins(),
  // Paging someone is pagerduty.incident.create, which no default role grants.
  'POST /api/pagerduty/entities/:kind/:namespace/:name/incidents': admins(),
  // V3 webhooks are open but signed (the matrix signs its delivery), like GitHub's.
  'POST /api/pagerduty/webhooks': open(),

  // Jira: an entity's issues, read as the caller (the catalog decides who may read the entity).
  'GET /api/jira/openapi.json': everyone(),
  'GET /api/jira/entity': everyone(),
  // Issue webhooks are open but signed (X-Hub-Signature; the matrix signs its delivery), like GitHub's.
  'POST /api/jira/webhooks': open(),

  // Insights: metrics are read as the caller (the catalog decides who may read the scope's entities); pushing
  // events is insights.events.push, which no default role grants (a CI token names it in its accessRestrictions).
  'GET /api/insights/openapi.json': everyone(),
  'GET /api/insights/metrics': everyone(),
  'GET /api/insights/breakdown': everyone(),
  'GET /api/insights/compare': everyone(),
  'GET /api/insights/events': everyone(),
  'POST /api/insights/deployments': admins(),
  'POST /api/insights/incidents': admins(),
  'POST /api/insights/pull-requests': admins(),
  // The 30-day facts for the scorecards module: services only.
  'POST /api/insights/facts': guarded({ plain: 403, owner: 403, admin: 403 }),

  // The example plugin.
  'GET /api/example/openapi.json': everyone(),
  'GET /api/example/greeting': everyone(),
  // No default role grants example.thing.create.
  'POST /api/example/things': admins(),
  'GET /api/example/things': everyone(),
  'GET /api/example/things/:id': everyone(),
};

/**
 * Cells the portal does not answer as its row says YET, each with why. The test asserts nothing else for
 * them, and fails once one holds, so a fixed cell leaves this list. Empty when identity is complete.
 */
export const PENDING: Array<{ route: string; callers: Caller[]; reason: string }> = [];

export function isPending(route: string, caller: Caller): boolean {
  return PENDING.some(p => p.route === route && p.callers.includes(caller));
}
