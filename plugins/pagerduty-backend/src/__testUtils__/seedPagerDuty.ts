import type { FakePagerDuty } from './FakePagerDuty';

export const INTEGRATION_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/**
 * One account's worth of data: `payments` with a two-level policy (a schedule then a user), two people on call
 * at level 1 and one at level 2, open and resolved incidents, change events and 30-day metrics; `search` with
 * an Events API v2 integration key; `secret` the key may not read.
 */
export function seedPagerDuty(fake: FakePagerDuty, now = Date.now()) {
  const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const alice = fake.addUser('Alice Archer');
  const bob = fake.addUser('Bob Baker');
  const carol = fake.addUser('Carol Cole');
  const primary = fake.addSchedule('Payments primary');
  const policy = fake.addEscalationPolicy({
    name: 'Payments escalation',
    numLoops: 2,
    levels: [
      { delayMinutes: 15, targets: [{ type: 'schedule', id: primary }] },
      { delayMinutes: 30, targets: [{ type: 'user', id: carol.id }] },
    ],
  });
  fake.addOnCall({ policyId: policy.id, level: 2, userId: carol.id, start: hoursAgo(48), end: hoursAgo(-24) });
  fake.addOnCall({ policyId: policy.id, level: 1, userId: alice.id, scheduleId: primary, start: hoursAgo(10), end: hoursAgo(-14) });
  fake.addOnCall({ policyId: policy.id, level: 1, userId: bob.id, scheduleId: primary, start: hoursAgo(10), end: hoursAgo(-2) });
  const payments = fake.addService({ name: 'payments', policyId: policy.id });
  const search = fake.addService({ name: 'search', policyId: policy.id, integrationKeys: [INTEGRATION_KEY] });
  const secret = fake.addService({ name: 'secret', policyId: policy.id });
  fake.forbiddenServices.add(secret.id);
  const open = fake.addIncident({ serviceId: payments.id, title: 'Card payments failing', status: 'triggered', urgency: 'high', createdAt: hoursAgo(2), assignees: [alice.id] });
  const acked = fake.addIncident({ serviceId: payments.id, title: 'Slow refunds', status: 'acknowledged', urgency: 'low', createdAt: hoursAgo(5), assignees: [bob.id, alice.id] });
  fake.addIncident({ serviceId: payments.id, title: 'Old outage', status: 'resolved', urgency: 'high', createdAt: hoursAgo(100), assignees: [alice.id] });
  fake.addIncident({ serviceId: search.id, title: 'Index lag', status: 'triggered', urgency: 'low', createdAt: hoursAgo(1), assignees: [carol.id] });
  fake.addChangeEvent({ serviceId: payments.id, summary: 'Deploy payments v1.2.3', timestamp: hoursAgo(3), source: 'ci', links: [{ href: 'https://ci.example/runs/42', text: 'Run 42' }] });
  fake.addChangeEvent({ serviceId: payments.id, summary: 'Deploy from last month', timestamp: hoursAgo(24 * 30), source: 'ci', links: [] });
  fake.setMetrics(payments.id, { totalIncidents: 7, meanSecondsToResolve: 5400, meanSecondsToFirstAck: 240, highUrgency: 3 });
  return { alice, bob, carol, primary, policy, payments, search, secret, open, acked };
}
