import type { Entity } from '@portico/catalog-model';
import { InputError } from '@portico/errors';
import { ANNOTATION_JIRA_COMPONENT, ANNOTATION_JIRA_HOST, ANNOTATION_JIRA_JQL, ANNOTATION_JIRA_LABEL, ANNOTATION_JIRA_PROJECT_KEY } from '@portico/plugin-jira-common';

/** What an entity's annotations say about its issues. */
export interface JiraMapping {
  entityRef: string;
  host: string | undefined;
  projectKey: string;
  component?: string;
  label?: string;
  /** The extra clause, as written (checked by `checkJqlClause`). */
  jql?: string;
}

/** A bad annotation value: reported on the entity, never sent to Jira. */
export class JiraAnnotationError extends InputError {}

const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;

/**
 * A JQL string literal: the value in double quotes, `\` and `"` escaped. Whatever the value holds, the result is
 * one operand: `x" OR project = SECRET` stays the label `x" OR project = SECRET`.
 */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function checkValue(entityRef: string, annotation: string, value: string): string {
  if (value.length > 255) throw new JiraAnnotationError(`${entityRef} has a ${annotation} longer than 255 characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new JiraAnnotationError(`${entityRef} has a ${annotation} with control characters (a line break?)`);
  return value;
}

/**
 * Checks an extra JQL clause before it is ANDed in parentheses: it must not close the parentheses it is put in
 * (`x) OR (project = SECRET` would widen the query), leave a string or parenthesis open, or carry ORDER BY.
 * Jira validates the rest; a clause it rejects becomes a catalog error on the entity.
 */
export function checkJqlClause(entityRef: string, clause: string): string {
  const jql = clause.trim();
  if (!jql) throw new JiraAnnotationError(`${entityRef} has an empty ${ANNOTATION_JIRA_JQL}`);
  if (jql.length > 2000) throw new JiraAnnotationError(`${entityRef} has a ${ANNOTATION_JIRA_JQL} longer than 2000 characters`);
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < jql.length; i++) {
    const c = jql[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) throw new JiraAnnotationError(`${entityRef} has a ${ANNOTATION_JIRA_JQL} that closes a parenthesis it did not open: it may only narrow the entity's issues`);
  }
  if (quote) throw new JiraAnnotationError(`${entityRef} has a ${ANNOTATION_JIRA_JQL} with an unterminated string`);
  if (depth > 0) throw new JiraAnnotationError(`${entityRef} has a ${ANNOTATION_JIRA_JQL} with an unclosed parenthesis`);
  const outsideStrings = jql.replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, '""');
  if (/\border\s+by\b/i.test(outsideStrings)) throw new JiraAnnotationError(`${entityRef} has a ${ANNOTATION_JIRA_JQL} with ORDER BY: the portal orders issues itself`);
  return jql;
}

/** The entity's mapping, undefined without `jira/project-key`; a JiraAnnotationError for a malformed value. */
export function mappingOf(entity: Entity, entityRef: string): JiraMapping | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const projectKey = annotations[ANNOTATION_JIRA_PROJECT_KEY]?.trim();
  if (!projectKey) return undefined;
  if (!PROJECT_KEY.test(projectKey)) throw new JiraAnnotationError(`${entityRef} has a malformed ${ANNOTATION_JIRA_PROJECT_KEY} '${projectKey.slice(0, 60)}': letters, digits and _ only, starting with a letter`);
  const component = annotations[ANNOTATION_JIRA_COMPONENT]?.trim();
  const label = annotations[ANNOTATION_JIRA_LABEL]?.trim();
  const jql = annotations[ANNOTATION_JIRA_JQL]?.trim();
  return {
    entityRef,
    host: annotations[ANNOTATION_JIRA_HOST]?.trim() || undefined,
    projectKey: projectKey.toUpperCase(),
    ...(component ? { component: checkValue(entityRef, ANNOTATION_JIRA_COMPONENT, component) } : {}),
    ...(label ? { label: checkValue(entityRef, ANNOTATION_JIRA_LABEL, label) } : {}),
    ...(jql ? { jql: checkJqlClause(entityRef, jql) } : {}),
  };
}

/**
 * The JQL of a mapping: `project = "KEY"`, AND `component = "…"`, AND `labels = "…"`, AND `(<jira/jql>)`, every value
 * quoted, then AND each of `extra` (clauses the plugin writes itself). No ORDER BY: add it after.
 */
export function mappingJql(mapping: Pick<JiraMapping, 'projectKey' | 'component' | 'label' | 'jql'>, ...extra: string[]): string {
  const clauses = [`project = ${jqlString(mapping.projectKey)}`];
  if (mapping.component) clauses.push(`component = ${jqlString(mapping.component)}`);
  if (mapping.label) clauses.push(`labels = ${jqlString(mapping.label)}`);
  if (mapping.jql) clauses.push(`(${mapping.jql})`);
  clauses.push(...extra);
  return clauses.join(' AND ');
}

/** A stable identity of a mapping (for cache keys). */
export function mappingKey(mapping: JiraMapping, host: string): string {
  return JSON.stringify([host.toLowerCase(), mapping.projectKey, mapping.component ?? null, mapping.label ?? null, mapping.jql ?? null]);
}
