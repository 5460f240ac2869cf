/**
 * The JQL the fake Jira understands: `field op value` clauses joined by AND / OR / NOT with parentheses, and an
 * optional ORDER BY. Operators `=`, `!=`, `>`, `>=`, `<`, `<=`, `in`, `not in`, `~`, `is EMPTY`; values are quoted
 * strings (with `\` escapes), bare words, numbers, relative dates (`-30d`) and lists. Fields: project, key,
 * component, labels, issuetype (type), priority, status, statusCategory, assignee, summary (text), created,
 * resolved. Anything else is rejected with the messages Jira gives.
 */

export interface FakeIssueRecord {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  type: string;
  priority: string | null;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  assignee: string | null;
  labels: string[];
  components: string[];
  created: string;
  resolved: string | null;
}

export class JqlError extends Error {}

type Value = { kind: 'string'; value: string } | { kind: 'list'; values: string[] } | { kind: 'empty' };
type Node =
  | { type: 'and'; left: Node; right: Node }
  | { type: 'or'; left: Node; right: Node }
  | { type: 'not'; node: Node }
  | { type: 'clause'; field: string; op: string; value: Value };

export interface ParsedJql {
  where?: Node;
  orderBy: Array<{ field: string; desc: boolean }>;
  /** The project keys every match must be in (an `AND` chain's `project = X`), to narrow candidates. */
  projects?: string[];
}

type Token = { t: 'str' | 'word' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    const single = ({ '(': 'lp', ')': 'rp', ',': 'comma' } as const)[c as '(' | ')' | ','];
    if (/\s/.test(c)) i++;
    else if (single) {
      tokens.push({ t: single, v: c });
      i++;
    } else if (c === '"' || c === "'") {
      let v = '';
      i++;
      while (i < jql.length && jql[i] !== c) {
        if (jql[i] === '\\' && i + 1 < jql.length) i++;
        v += jql[i++];
      }
      if (i >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string '${v}' has not been completed.`);
      i++;
      tokens.push({ t: 'str', v });
    } else if (/[=!<>~]/.test(c)) {
      const two = jql.slice(i, i + 2);
      const op = ['!=', '>=', '<=', '!~'].includes(two) ? two : c;
      tokens.push({ t: 'op', v: op });
      i += op.length;
    } else {
      let v = '';
      while (i < jql.length && !/[\s()=!<>~,"']/.test(jql[i])) v += jql[i++];
      tokens.push({ t: 'word', v });
    }
  }
  return tokens;
}

const FIELDS: Record<string, string> = {
  project: 'project', key: 'key', issuekey: 'key', component: 'component', labels: 'labels', label: 'labels',
  issuetype: 'issuetype', type: 'issuetype', priority: 'priority', status: 'status', statuscategory: 'statusCategory',
  assignee: 'assignee', summary: 'summary', text: 'summary', created: 'created', createddate: 'created', resolved: 'resolved', resolutiondate: 'resolved',
};

export function parseJql(jql: string): ParsedJql {
  const tokens = tokenize(jql);
  let p = 0;
  const peek = () => tokens[p];
  const isWord = (w: string) => peek()?.t === 'word' && peek()!.v.toLowerCase() === w;
  const expectValue = (): string => {
    const tok = tokens[p++];
    if (!tok || (tok.t !== 'str' && tok.t !== 'word')) throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got '${tok?.v ?? 'end of query'}'.`);
    return tok.v;
  };
  const parseClause = (): Node => {
    if (peek()?.t === 'lp') {
      p++;
      const node = parseOr();
      if (peek()?.t !== 'rp') throw new JqlError("Error in the JQL Query: Expecting ')' but got the end of the query.");
      p++;
      return node;
    }
    if (isWord('not')) {
      p++;
      return { type: 'not', node: parseClause() };
    }
    const fieldTok = tokens[p++];
    if (!fieldTok || (fieldTok.t !== 'word' && fieldTok.t !== 'str')) throw new JqlError(`Error in the JQL Query: Expecting a field name but got '${fieldTok?.v ?? 'end of query'}'.`);
    const field = FIELDS[fieldTok.v.toLowerCase()];
    if (!field) throw new JqlError(`Field '${fieldTok.v}' does not exist or you do not have permission to view it.`);
    let op: string;
    if (peek()?.t === 'op') op = tokens[p++].v;
    else if (isWord('in')) {
      p++;
      op = 'in';
    } else if (isWord('not') && tokens[p + 1]?.v.toLowerCase() === 'in') {
      p += 2;
      op = 'not in';
    } else if (isWord('is')) {
      p++;
      op = 'is';
      if (isWord('not')) {
        p++;
        op = 'is not';
      }
      if (!isWord('empty') && !isWord('null')) throw new JqlError('Error in the JQL Query: Expecting EMPTY after IS.');
      p++;
      return { type: 'clause', field, op, value: { kind: 'empty' } };
    } else throw new JqlError(`Error in the JQL Query: Expecting operator but got '${peek()?.v ?? 'end of query'}'.`);
    if (op === 'in' || op === 'not in') {
      if (peek()?.t !== 'lp') throw new JqlError("Error in the JQL Query: Expecting '(' after IN.");
      p++;
      const values = [expectValue()];
      while (peek()?.t === 'comma') {
        p++;
        values.push(expectValue());
      }
      if (peek()?.t !== 'rp') throw new JqlError("Error in the JQL Query: Expecting ')' to close the list.");
      p++;
      return { type: 'clause', field, op, value: { kind: 'list', values } };
    }
    if (isWord('empty') || isWord('null')) {
      p++;
      return { type: 'clause', field, op: op === '=' ? 'is' : 'is not', value: { kind: 'empty' } };
    }
    return { type: 'clause', field, op, value: { kind: 'string', value: expectValue() } };
  };
  const parseAnd = (): Node => {
    let left = parseClause();
    while (isWord('and')) {
      p++;
      left = { type: 'and', left, right: parseClause() };
    }
    return left;
  };
  const parseOr = (): Node => {
    let left = parseAnd();
    while (isWord('or')) {
      p++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const where = peek() && !isWord('order') ? parseOr() : undefined;
  const orderBy: ParsedJql['orderBy'] = [];
  if (isWord('order')) {
    p++;
    if (!isWord('by')) throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    p++;
    do {
      if (peek()?.t === 'comma') p++;
      const f = tokens[p++];
      const field = f && FIELDS[f.v.toLowerCase()];
      if (!field) throw new JqlError(`Not able to sort using field '${f?.v ?? ''}'.`);
      let desc = false;
      if (isWord('asc') || isWord('desc')) desc = tokens[p++].v.toLowerCase() === 'desc';
      orderBy.push({ field, desc });
    } while (peek()?.t === 'comma');
  }
  if (p < tokens.length) throw new JqlError(`Error in the JQL Query: Expecting operator 'AND', 'OR' or 'ORDER BY' but got '${tokens[p].v}'.`);
  const projects: string[] = [];
  const collect = (node: Node | undefined): boolean => {
    if (!node) return false;
    if (node.type === 'and') return collect(node.left) || collect(node.right);
    if (node.type === 'clause' && node.field === 'project' && node.op === '=' && node.value.kind === 'string') {
      projects.push(node.value.value.toUpperCase());
      return true;
    }
    return false;
  };
  collect(where);
  return { where, orderBy, ...(projects.length ? { projects } : {}) };
}

const DAY_MS = 86_400_000;

function dateValue(v: string, now: number): number {
  const rel = /^([-+]?\d+)([dwhm])$/i.exec(v);
  if (rel) {
    const unit = { d: DAY_MS, w: 7 * DAY_MS, h: 3_600_000, m: 60_000 }[rel[2].toLowerCase() as 'd'];
    return now + Number(rel[1]) * unit;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new JqlError(`Date value '${v}' for field 'created' is invalid.`);
  return t;
}

const STATUS_CATEGORY_NAMES: Record<string, string> = { 'to do': 'new', new: 'new', 'in progress': 'indeterminate', indeterminate: 'indeterminate', done: 'done', complete: 'done' };

function fieldValues(issue: FakeIssueRecord, field: string): Array<string | null> {
  switch (field) {
    case 'project':
      return [issue.projectKey];
    case 'key':
      return [issue.key];
    case 'component':
      return issue.components.length ? issue.components : [null];
    case 'labels':
      return issue.labels.length ? issue.labels : [null];
    case 'issuetype':
      return [issue.type];
    case 'priority':
      return [issue.priority];
    case 'status':
      return [issue.status];
    case 'statusCategory':
      return [issue.statusCategory];
    case 'assignee':
      return [issue.assignee];
    case 'summary':
      return [issue.summary];
    case 'created':
      return [issue.created];
    case 'resolved':
      return [issue.resolved];
    default:
      return [null];
  }
}

/** Whether an issue matches; `knownProjects` makes `project = X` of an unknown X an error, as Jira does. */
export function matches(node: Node | undefined, issue: FakeIssueRecord, now: number): boolean {
  if (!node) return true;
  if (node.type === 'and') return matches(node.left, issue, now) && matches(node.right, issue, now);
  if (node.type === 'or') return matches(node.left, issue, now) || matches(node.right, issue, now);
  if (node.type === 'not') return !matches(node.node, issue, now);
  return matchesClause(node, issue, now);
}

function matchesClause(node: Extract<Node, { type: 'clause' }>, issue: FakeIssueRecord, now: number): boolean {
  const values = fieldValues(issue, node.field);
  if (node.value.kind === 'empty') return node.op === 'is' ? values.every(v => v === null) : values.some(v => v !== null);
  const norm = (v: string) => (node.field === 'statusCategory' ? (STATUS_CATEGORY_NAMES[v.toLowerCase()] ?? v.toLowerCase()) : v.toLowerCase());
  if (node.field === 'created' || node.field === 'resolved') {
    if (node.value.kind !== 'string') return false;
    const at = values[0] ? Date.parse(values[0]) : NaN;
    if (Number.isNaN(at)) return false;
    const bound = dateValue(node.value.value, now);
    switch (node.op) {
      case '>=':
        return at >= bound;
      case '>':
        return at > bound;
      case '<=':
        return at <= bound;
      case '<':
        return at < bound;
      default:
        return at === bound;
    }
  }
  const present = values.filter((v): v is string => v !== null).map(norm);
  if (node.op === '~') {
    const needle = node.value.kind === 'string' ? node.value.value.toLowerCase() : '';
    return present.some(v => v.includes(needle));
  }
  const wanted = node.value.kind === 'list' ? node.value.values.map(norm) : [norm(node.value.value)];
  const hit = present.some(v => wanted.includes(v));
  switch (node.op) {
    case '=':
    case 'in':
      return hit;
    case '!=':
    case 'not in':
      // Jira: `!=` does not match issues where the field is empty.
      return present.length > 0 && !hit;
    default:
      throw new JqlError(`The operator '${node.op}' is not supported by the '${node.field}' field.`);
  }
}

/** The project keys a query names in `project = / in` clauses (to reject unknown ones as Jira does). */
export function projectsNamed(node: Node | undefined): string[] {
  if (!node) return [];
  if (node.type === 'and' || node.type === 'or') return [...projectsNamed(node.left), ...projectsNamed(node.right)];
  if (node.type === 'not') return projectsNamed(node.node);
  if (node.type !== 'clause') return [];
  if (node.field !== 'project' || node.value.kind === 'empty') return [];
  return node.value.kind === 'list' ? node.value.values : [node.value.value];
}

export function compareBy(orderBy: ParsedJql['orderBy']): (a: FakeIssueRecord, b: FakeIssueRecord) => number {
  const order = orderBy.length ? orderBy : [{ field: 'created', desc: true }];
  return (a, b) => {
    for (const { field, desc } of order) {
      const av = fieldValues(a, field)[0] ?? '';
      const bv = fieldValues(b, field)[0] ?? '';
      const c = av < bv ? -1 : av > bv ? 1 : 0;
      if (c !== 0) return desc ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  };
}
