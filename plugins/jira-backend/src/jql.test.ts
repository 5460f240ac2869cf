import type { Entity } from '@portico/catalog-model';
import { checkJqlClause, JiraAnnotationError, jqlString, mappingJql, mappingOf } from './jql';
import { parseJql, matches, type FakeIssueRecord } from './__testUtils__/fakeJql';

const entity = (annotations: Record<string, string>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc', annotations }, spec: {} });

const issue = (overrides: Partial<FakeIssueRecord>): FakeIssueRecord => ({
  id: '1', key: 'PAY-1', projectKey: 'PAY', summary: 's', type: 'Bug', priority: 'High', status: 'Open', statusCategory: 'new',
  assignee: null, labels: [], components: [], created: '2026-01-01T00:00:00.000Z', resolved: null, ...overrides,
});

describe('JQL from annotations', () => {
  it('quotes every value, so a hostile label stays one operand', () => {
    expect(jqlString('x" OR project = SECRET')).toBe('"x\\" OR project = SECRET"');
    expect(jqlString('a\\" OR 1=1')).toBe('"a\\\\\\" OR 1=1"');
    const mapping = mappingOf(entity({ 'jira/project-key': 'pay', 'jira/label': 'x" OR project = SECRET', 'jira/component': 'api" OR "1"="1' }), 'component:default/svc')!;
    const jql = mappingJql(mapping);
    expect(jql).toBe('project = "PAY" AND component = "api\\" OR \\"1\\"=\\"1" AND labels = "x\\" OR project = SECRET"');
    // Jira's grammar (the fake's) reads it as three clauses: nothing of SECRET matches.
    const parsed = parseJql(jql);
    expect(matches(parsed.where, issue({ projectKey: 'SECRET', key: 'SECRET-1', labels: ['x'] }), Date.now())).toBe(false);
    expect(matches(parsed.where, issue({ labels: ['x" OR project = SECRET'], components: ['api" OR "1"="1'] }), Date.now())).toBe(true);
  });

  it('ANDs jira/jql in parentheses, so its OR cannot widen the query', () => {
    const mapping = mappingOf(entity({ 'jira/project-key': 'PAY', 'jira/jql': 'issuetype = Bug OR project = SECRET' }), 'component:default/svc')!;
    const jql = mappingJql(mapping, 'statusCategory != Done');
    expect(jql).toBe('project = "PAY" AND (issuetype = Bug OR project = SECRET) AND statusCategory != Done');
    expect(matches(parseJql(jql).where, issue({ projectKey: 'SECRET' }), Date.now())).toBe(false);
  });

  it('refuses a jira/jql that closes the parentheses it is put in, leaves one open, or orders', () => {
    const ref = 'component:default/svc';
    expect(() => checkJqlClause(ref, 'x = 1) OR (project = SECRET')).toThrow(/closes a parenthesis it did not open/);
    expect(() => checkJqlClause(ref, '(x = 1')).toThrow(/unclosed parenthesis/);
    expect(() => checkJqlClause(ref, 'summary ~ "abc')).toThrow(/unterminated string/);
    expect(() => checkJqlClause(ref, 'x = 1 ORDER BY created')).toThrow(/ORDER BY/);
    // Parentheses and ORDER BY inside strings are text.
    expect(checkJqlClause(ref, 'summary ~ "a) OR (b order by c"')).toBe('summary ~ "a) OR (b order by c"');
    expect(checkJqlClause(ref, "labels in ('a\\'b', c)")).toBe("labels in ('a\\'b', c)");
  });

  it('refuses malformed project keys and control characters, and ignores entities without a project', () => {
    expect(mappingOf(entity({}), 'component:default/svc')).toBeUndefined();
    expect(() => mappingOf(entity({ 'jira/project-key': 'PAY" OR 1=1' }), 'component:default/svc')).toThrow(JiraAnnotationError);
    expect(() => mappingOf(entity({ 'jira/project-key': 'PAY', 'jira/label': 'a\nb' }), 'component:default/svc')).toThrow(/control characters/);
  });
});
