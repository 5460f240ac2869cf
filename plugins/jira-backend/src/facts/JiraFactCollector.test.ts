import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { MockLogger } from '@portico/test-utils';
import type { Entity } from '@portico/catalog-model';
import { FakeJira } from '../__testUtils__/FakeJira';
import { seedJira } from '../__testUtils__/seedJira';
import { jiraIntegrationsConfigSchema } from '../integration/config';
import { JiraClients } from '../integration/JiraClients';
import { createJiraFactCollector, jiraFacts } from './JiraFactCollector';
// The scorecards backend's own rule types, so the example is evaluated as the portal evaluates it.
import { builtinRuleTypes } from '../../../scorecards-backend/src/service/ruleTypes';
import type { CollectedFacts } from '@portico/plugin-scorecards-node';

const component = (name: string, annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

describe.each(['cloud', 'datacenter'] as const)('Jira facts on Jira %s', kind => {
  const fake = new FakeJira({ kind });
  let clients: JiraClients;
  beforeAll(async () => {
    await fake.start();
    seedJira(fake);
    clients = new JiraClients(jiraIntegrationsConfigSchema.parse([fake.site()]), { wait: async () => undefined });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.delayMs = 0;
  });

  it('collects every jira.* fact for annotated entities, in three requests each when the open issues fit in one page', async () => {
    const collector = createJiraFactCollector({ clients, logger: new MockLogger(), securityIssues: { label: 'security' } });
    const out = await collector.collect([component('payments', { 'jira/project-key': 'PAY' }), component('api', { 'jira/project-key': 'PAY', 'jira/component': 'payments-api' }), component('plain')], {});
    const byRef = Object.fromEntries(out.map(o => [o.entityRef, o.facts]));
    expect(Object.keys(byRef).sort()).toEqual(['component:default/api', 'component:default/payments']);
    expect(byRef['component:default/payments']).toEqual({
      'jira.openIssues': 5,
      'jira.openBugs': 4,
      'jira.openBugsByPriority': { highest: 1, high: 1, medium: 1, low: 1, lowest: 0 },
      'jira.oldestOpenBugAgeDays': 40,
      'jira.createdLast30d': 5,
      'jira.resolvedLast30d': 1,
      'jira.openSecurityIssues': 1,
    });
    expect(byRef['component:default/api']).toMatchObject({ 'jira.openIssues': 3, 'jira.openBugs': 2, 'jira.oldestOpenBugAgeDays': 40, 'jira.openSecurityIssues': 0 });
    for (const [name, schema] of Object.entries(collector.facts)) expect(schema.safeParse(byRef['component:default/payments'][name]).success).toBe(true);
    // Per entity: two counts (created, resolved) and one page of open issues, never a second page.
    const searches = fake.requestsTo(kind === 'cloud' ? '/rest/api/3/search/jql' : '/rest/api/2/search');
    if (kind === 'cloud') {
      expect(searches.map(s => (s.body as { maxResults: number; nextPageToken?: string }).maxResults)).toEqual([100, 100]);
      expect(searches.some(s => (s.body as { nextPageToken?: string }).nextPageToken)).toBe(false);
      expect(fake.requestsTo('/rest/api/3/search/approximate-count')).toHaveLength(4);
    } else {
      expect(searches.filter(s => s.query.maxResults !== '0').map(s => s.query.maxResults)).toEqual(['100', '100']);
      expect(searches.filter(s => s.query.maxResults === '0')).toHaveLength(4);
    }
    expect(fake.requests).toHaveLength(6);
  });

  it('counts a backlog larger than one page through the count endpoint instead of paging, with the same facts', async () => {
    fake.addProject('BIG', { name: 'Big backlog' });
    const priorities = ['Highest', 'High', 'Medium', 'Low', 'Lowest', 'Medium'];
    const old = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    for (let n = 0; n < 150; n++) {
      fake.addIssue('BIG', { summary: `open ${n}`, type: n % 5 < 2 ? 'Bug' : 'Task', priority: priorities[n % 6], labels: n % 7 === 0 ? ['security'] : [], created: old(200 - n) });
    }
    const expected = () => {
      const open = fake.issuesByProject.get('BIG')!.filter(i => i.statusCategory !== 'done');
      const bugs = open.filter(i => i.type === 'Bug');
      const ofPriority = (p: string) => bugs.filter(b => b.priority === p).length;
      return {
        'jira.openIssues': open.length,
        'jira.openBugs': bugs.length,
        'jira.openBugsByPriority': { highest: ofPriority('Highest'), high: ofPriority('High'), medium: ofPriority('Medium'), low: ofPriority('Low'), lowest: ofPriority('Lowest') },
        'jira.oldestOpenBugAgeDays': 200,
        'jira.openSecurityIssues': open.filter(i => i.labels.includes('security')).length,
      };
    };
    const collect = async () => {
      fake.requests.length = 0;
      const [out] = await createJiraFactCollector({ clients, logger: new MockLogger(), securityIssues: { label: 'security' } }).collect([component('big', { 'jira/project-key': 'BIG' })], {});
      return out.facts;
    };
    // 150 open issues, 60 of them bugs: the open bugs' page gives the bugs by priority and the oldest one.
    expect(await collect()).toMatchObject(expected());
    const pages = () => fake.requestsTo(kind === 'cloud' ? '/rest/api/3/search/jql' : '/rest/api/2/search').filter(r => (kind === 'cloud' ? true : r.query.maxResults !== '0'));
    expect(pages()).toHaveLength(2);
    expect(fake.requests.length).toBeLessThanOrEqual(6);
    // 110 open bugs: they are counted per priority too, still one page each.
    for (let n = 0; n < 50; n++) fake.addIssue('BIG', { summary: `bug ${n}`, type: 'Bug', priority: priorities[n % 6], created: old(10) });
    expect(await collect()).toMatchObject(expected());
    expect(pages()).toHaveLength(2);
    if (kind === 'cloud') expect(pages().some(s => (s.body as { nextPageToken?: string }).nextPageToken)).toBe(false);
    expect(fake.requests.length).toBeLessThanOrEqual(12);
  });

  it('counts security issues by issue type when so configured, and leaves the fact out when not configured', async () => {
    fake.addIssue('PAY', { type: 'Vulnerability', summary: 'CVE' });
    const byType = await createJiraFactCollector({ clients, logger: new MockLogger(), securityIssues: { issueType: 'Vulnerability' } }).collect([component('payments', { 'jira/project-key': 'PAY' })], {});
    expect(byType[0].facts['jira.openSecurityIssues']).toBe(1);
    const none = await createJiraFactCollector({ clients, logger: new MockLogger() }).collect([component('payments', { 'jira/project-key': 'PAY' })], {});
    expect(none[0].facts).not.toHaveProperty('jira.openSecurityIssues');
    fake.removeIssue(`PAY-${fake.issuesByProject.get('PAY')!.length}`);
  });

  it('leaves out (stale, so unknown) the facts of entities whose JQL Jira rejects or whose project does not exist, never a false 0', async () => {
    const logger = new MockLogger();
    const out = await createJiraFactCollector({ clients, logger }).collect(
      [component('bad', { 'jira/project-key': 'PAY', 'jira/jql': 'nosuchfield = 1' }), component('ghost', { 'jira/project-key': 'GHOST' }), component('payments', { 'jira/project-key': 'PAY' })],
      {},
    );
    expect(out.map(o => o.entityRef)).toEqual(['component:default/payments']);
    const warnings = logger.lines.filter(l => l.level === 'warn').map(l => l.message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Jira facts for component:default\/bad not collected \(they stay as they were\): Jira rejected the query/),
        expect.stringMatching(/^Jira facts for component:default\/ghost not collected .*The value 'GHOST' does not exist for the field 'project'/),
      ]),
    );
  });

  it('leaves out every entity of a site that is down, and does not keep asking it during the run', async () => {
    fake.delayMs = 3000;
    const slow = new JiraClients(jiraIntegrationsConfigSchema.parse([fake.site({ timeoutMs: 200 })]), { wait: async () => undefined });
    const entities = Array.from({ length: 20 }, (_, i) => component(`svc-${i}`, { 'jira/project-key': 'PAY' }));
    const out = await createJiraFactCollector({ clients: slow, logger: new MockLogger(), concurrency: 2 }).collect(entities, {});
    expect(out).toEqual([]);
    // Two entities in flight when the site was found down; the other 18 were never asked.
    expect(fake.requests.length).toBeLessThanOrEqual(2 * 3);
  });
});

describe('the Issue hygiene example scorecard', () => {
  const root = path.resolve(__dirname, '../../../..');
  const scorecard = parse(fs.readFileSync(path.join(root, 'examples/scorecards/issue-hygiene.yaml'), 'utf8'));
  type Rule = { id: string; type: string; level: string; params: { fact?: string; expression?: string } };
  const rules = scorecard.spec.rules as Rule[];
  const ruleTypes = Object.fromEntries(builtinRuleTypes.map(t => [t.type, t]));
  const evaluate = (facts: CollectedFacts['facts'], staleFacts: Record<string, string> = {}) =>
    Object.fromEntries(
      rules.map(r => [r.id, ruleTypes[r.type].evaluate({ entity: component('payments'), facts, staleFacts, params: ruleTypes[r.type].paramsSchema.parse(r.params), now: new Date() }).status]),
    );
  const healthy: CollectedFacts['facts'] = {
    'jira.openIssues': 12,
    'jira.openBugs': 2,
    'jira.openBugsByPriority': { highest: 0, high: 0, medium: 1, low: 1, lowest: 0 },
    'jira.oldestOpenBugAgeDays': 12,
    'jira.createdLast30d': 9,
    'jira.resolvedLast30d': 11,
    'jira.openSecurityIssues': 0,
  };

  it('reads only facts the collector declares, has levels, and is not loaded by default', () => {
    expect(scorecard).toMatchObject({ kind: 'Scorecard', metadata: { name: 'issue-hygiene', title: 'Issue hygiene' } });
    expect(scorecard.spec.levels.map((l: { name: string }) => l.name)).toEqual(['Bronze', 'Silver', 'Gold']);
    const facts = rules.flatMap(r => (r.params.fact ? [r.params.fact] : [...(r.params.expression ?? '').matchAll(/facts\["([^"]+)"\]/g)].map(m => m[1])));
    expect(facts.length).toBeGreaterThanOrEqual(rules.length);
    for (const fact of facts) expect(Object.keys(jiraFacts)).toContain(fact);
    expect(fs.readFileSync(path.join(root, 'examples/scorecards/location.yaml'), 'utf8')).not.toMatch(/issue-hygiene/);
  });

  it('passes a healthy service, fails the rules a buggy one breaks, and is unknown (not failing) without facts', () => {
    expect(Object.values(evaluate(healthy)).every(s => s === 'pass')).toBe(true);
    const buggy = evaluate({ ...healthy, 'jira.openBugs': 7, 'jira.openBugsByPriority': { highest: 1, high: 2, medium: 4, low: 0, lowest: 0 }, 'jira.oldestOpenBugAgeDays': 45, 'jira.resolvedLast30d': 3 });
    expect(buggy).toEqual({
      'no-open-highest-bug': 'fail',
      'no-open-security-issue': 'pass',
      'at-most-five-open-bugs': 'fail',
      'no-bug-older-than-90-days': 'pass',
      'no-open-high-bug': 'fail',
      'no-bug-older-than-30-days': 'fail',
      'keeps-up': 'fail',
    });
    const stale = Object.fromEntries(Object.keys(healthy).map(name => [name, '2026-01-01T00:00:00.000Z']));
    expect(Object.values(evaluate({}, stale)).every(s => s === 'unknown')).toBe(true);
  });
});
