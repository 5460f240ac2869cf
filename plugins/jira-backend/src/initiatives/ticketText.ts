import type { InitiativeActionContext, InitiativeFailingRule, InitiativeOutOfScopeContext } from '@portico/plugin-scorecards-node';

type Context = Pick<InitiativeActionContext<unknown>, 'initiative' | 'scorecard' | 'entityRef' | 'entityUrl' | 'level' | 'failingRules'>;

const ruleName = (rule: InitiativeFailingRule) => (rule.title ? `${rule.title} (\`${rule.id}\`)` : `\`${rule.id}\``);

function rulesSection(rules: InitiativeFailingRule[]): string[] {
  return rules.flatMap(rule => [`- **${ruleName(rule)}**: ${rule.message}`, ...(rule.remediation ? rule.remediation.trim().split('\n').map(line => `  ${line}`) : [])]);
}

/** The ticket's summary: the entity and the initiative, short enough for Jira's 255 characters. */
export function ticketSummary(context: Context): string {
  return `${context.entityRef}: ${context.initiative.title}`.slice(0, 255);
}

/** The ticket's description (markdown): why it exists, the failing rules with their remediation, the entity's page. */
export function ticketDescription(context: Context): string {
  const { initiative } = context;
  return [
    `The initiative **${initiative.title}** asks every entity of the scorecard ${context.scorecard.title ?? context.scorecard.ref} to reach **${initiative.targetLevel}** by ${initiative.deadline.slice(0, 10)}.`,
    `[${context.entityRef}](${context.entityUrl}) is at ${context.level ?? 'no level'}. These rules keep it below the target:`,
    '',
    ...rulesSection(context.failingRules),
    '',
    `See the entity's scorecards: ${context.entityUrl}/scorecards`,
    '',
    'This ticket was opened by the portal. It says so here when the entity reaches the target.',
  ].join('\n');
}

/** The comment when the entity's failing rules change while the ticket is open, or when it fails again. */
export function failingAgainComment(context: Context): string {
  return [`[${context.entityRef}](${context.entityUrl}) is below **${context.initiative.targetLevel}** because of:`, '', ...rulesSection(context.failingRules)].join('\n');
}

/** The comment when the entity reaches the target. */
export function passingComment(context: Context): string {
  return `[${context.entityRef}](${context.entityUrl}) now reaches **${context.initiative.targetLevel}** on ${context.scorecard.title ?? context.scorecard.ref}: the initiative **${context.initiative.title}** is done for it.`;
}

/** The comment when the entity leaves the initiative's scope below the target: the portal stops updating the ticket. */
export function outOfScopeComment(context: Pick<InitiativeOutOfScopeContext<unknown>, 'initiative' | 'entityRef' | 'entityUrl' | 'reason'>): string {
  const why =
    context.reason === 'deleted'
      ? `${context.entityRef} was deleted from the catalog`
      : `[${context.entityRef}](${context.entityUrl}) no longer matches the initiative's scope (or its scorecard's filter)`;
  return `${why}, so it is no longer in scope of the initiative **${context.initiative.title}**. The portal will not update this ticket again; close it if the work is no longer needed.`;
}
