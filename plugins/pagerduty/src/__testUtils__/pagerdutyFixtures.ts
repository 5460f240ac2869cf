import type { Entity } from '@portico/catalog-model';
import type { PagerDutyEntitySummary } from '@portico/plugin-pagerduty-common';
import type { PagerDutyApi } from '../api/PagerDutyApi';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations: { 'pagerduty.com/service-id': 'PSVC1' } },
  spec: { type: 'service' },
};

const ref = (id: string, type: string, name: string) => ({ id, type, name, htmlUrl: `https://acme.pagerduty.com/${type}/${id}` });
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** A service with a two-level policy (level 2 listed first, as an API may), two incidents, a change and analytics. */
export function summary(overrides: Partial<PagerDutyEntitySummary> = {}): PagerDutyEntitySummary {
  return {
    entityRef: 'component:default/payments',
    service: { id: 'PSVC1', name: 'payments', description: null, status: 'active', htmlUrl: 'https://acme.pagerduty.com/service-directory/PSVC1', account: 'default' },
    escalationPolicy: {
      id: 'PEP1',
      name: 'Payments escalation',
      htmlUrl: 'https://acme.pagerduty.com/escalation_policies/PEP1',
      numLoops: 2,
      levels: [
        { level: 2, escalationDelayInMinutes: 30, targets: [ref('PU3', 'user_reference', 'Carol Cole')], onCall: [{ user: ref('PU3', 'user_reference', 'Carol Cole'), email: 'carol@acme.example', schedule: null, start: null, end: null }] },
        {
          level: 1,
          escalationDelayInMinutes: 15,
          targets: [ref('PS1', 'schedule_reference', 'Payments primary')],
          onCall: [{ user: ref('PU1', 'user_reference', 'Alice Archer'), email: 'alice@acme.example', schedule: ref('PS1', 'schedule_reference', 'Payments primary'), start: inHours(-10), end: inHours(3) }],
        },
      ],
    },
    openIncidents: [
      { id: 'PI1', number: 42, title: 'Card payments failing', status: 'triggered', urgency: 'high', createdAt: inHours(-2), ageSeconds: 7200, htmlUrl: 'https://acme.pagerduty.com/incidents/PI1', assignees: [ref('PU1', 'user_reference', 'Alice Archer')] },
      { id: 'PI2', number: 41, title: 'Slow refunds', status: 'acknowledged', urgency: 'low', createdAt: inHours(-5), ageSeconds: 18_000, htmlUrl: 'https://acme.pagerduty.com/incidents/PI2', assignees: [] },
    ],
    recentIncidents: [
      { id: 'PI0', number: 40, title: 'Refunds stuck', status: 'resolved', urgency: 'high', createdAt: inHours(-30), ageSeconds: 108_000, htmlUrl: 'https://acme.pagerduty.com/incidents/PI0', assignees: [ref('PU1', 'user_reference', 'Alice Archer')], resolvedAt: inHours(-28) },
    ],
    changeEvents: [{ id: 'PC1', summary: 'Deploy payments v1.2.3', timestamp: inHours(-3), source: 'ci', links: [{ href: 'https://ci.example/runs/42', text: 'Run 42' }] }],
    analytics: { from: inHours(-720), to: inHours(0), totalIncidents: 7, meanSecondsToResolve: 5400, meanSecondsToFirstAck: 240, totalHighUrgencyIncidents: 3 },
    ...overrides,
  };
}

/** A PagerDutyApi of jest mocks answering `summary()` and an empty service list. */
export function fakePagerDutyApi(overrides: Partial<PagerDutyApi> = {}): jest.Mocked<PagerDutyApi> {
  return {
    getEntitySummary: jest.fn(async () => summary()),
    triggerIncident: jest.fn(async () => ({ method: 'rest' as const, account: 'default', serviceId: 'PSVC1', incident: { id: 'PI9', number: 43, title: 'Checkout down', urgency: 'high' as const, htmlUrl: 'https://acme.pagerduty.com/incidents/PI9' } })),
    listServices: jest.fn(async () => ({ account: 'default', items: [] })),
    mapService: jest.fn(async () => undefined),
    unmapService: jest.fn(async () => undefined),
    ...overrides,
  } as jest.Mocked<PagerDutyApi>;
}
