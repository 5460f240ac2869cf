import type { FakeJira } from './FakeJira';

const DAY_MS = 86_400_000;

/**
 * The fixture most Jira tests share: project PAY (lead Alice) with open bugs of every priority, stories, done
 * issues, a `payments-api` component and `security` label; SECRET, a project no entity may reach; and DOCS.
 */
export function seedJira(fake: FakeJira) {
  const now = fake.now();
  const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const alice = fake.addUser({ displayName: 'Alice Adams', email: 'alice@acme.test' });
  const bob = fake.addUser({ displayName: 'Bob Brown', email: 'bob@acme.test' });
  fake.addProject('PAY', { name: 'Payments', lead: alice.accountId });
  fake.addProject('SECRET', { name: 'Secret' });
  fake.addProject('DOCS', { name: 'Docs', requiredFields: ['components'] });
  const pay = {
    oldBug: fake.addIssue('PAY', { summary: 'Refunds fail for EUR', type: 'Bug', priority: 'Highest', created: ago(40), assignee: alice.accountId, components: ['payments-api'] }),
    highBug: fake.addIssue('PAY', { summary: 'Slow checkout', type: 'Bug', priority: 'High', created: ago(10), statusCategory: 'indeterminate', status: 'In Review', labels: ['security'] }),
    mediumBug: fake.addIssue('PAY', { summary: 'Typo on receipt', type: 'Bug', priority: 'Medium', created: ago(5), components: ['payments-api'] }),
    lowBug: fake.addIssue('PAY', { summary: 'Odd rounding', type: 'Bug', priority: 'Low', created: ago(3) }),
    story: fake.addIssue('PAY', { summary: 'Apple Pay', type: 'Story', priority: 'Medium', created: ago(2), assignee: bob.accountId, components: ['payments-api'] }),
    doneBug: fake.addIssue('PAY', { summary: 'Crash on login', type: 'Bug', priority: 'Highest', created: ago(20), statusCategory: 'done', resolved: ago(1) }),
    doneTask: fake.addIssue('PAY', { summary: 'Rotate keys', type: 'Task', created: ago(60), statusCategory: 'done', resolved: ago(45) }),
  };
  const secret = fake.addIssue('SECRET', { summary: 'Top secret', type: 'Bug', labels: ['x'], created: ago(1) });
  fake.addIssue('DOCS', { summary: 'Write the guide', type: 'Task', created: ago(1), components: ['guide'] });
  return { alice, bob, pay, secret };
}
