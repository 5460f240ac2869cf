import type { Environment } from '@marcbachmann/cel-js';

/**
 * Bounds on scorecard CEL expressions, which come from scorecard authors and run for every entity on
 * the main thread. CEL has no loops, but comprehensions nest, `cel.bind` doubles strings and lists,
 * and `matches` runs a backtracking regular expression: each is bounded here.
 */
export const CEL_LIMITS = {
  /** Characters of an expression. */
  maxLength: 2000,
  /** Parser limits of @marcbachmann/cel-js. */
  parser: { maxAstNodes: 1000, maxDepth: 32, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 8 },
  /** Evaluation steps (AST nodes evaluated, comprehension iterations included) of one evaluation. */
  maxSteps: 100_000,
  /** Longest string and list an evaluation may produce. */
  maxStringLength: 1_000_000,
  maxListLength: 100_000,
  /** Longest string `matches()` tests. */
  maxMatchSubjectLength: 10_000,
} as const;

/** An expression went over one of CEL_LIMITS. */
export class CelLimitError extends Error {
  name = 'CelLimitError';
}

interface Node {
  op: string;
  args: unknown;
}
interface Evaluator {
  run(ast: Node, ctx: unknown): unknown;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).op === 'string';

function children(node: Node): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown) => {
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(node.args);
  return out;
}

/** The `matches` calls of an expression: the pattern node of `s.matches(p)` and `matches(s, p)`. */
function matchPatterns(root: Node): Node[] {
  const out: Node[] = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const args = node.args as unknown[];
    if (node.op === 'rcall' && args[0] === 'matches') out.push((args[2] as Node[])[0]);
    if (node.op === 'call' && args[0] === 'matches') out.push((args[1] as Node[])[1]);
    stack.push(...children(node));
  }
  return out.filter(Boolean);
}

/** Tokens of a pattern body that match a set of characters: `[...]`, `.`, `\w` and the like. */
function characterMatchers(body: string): RegExp[] {
  const out: RegExp[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const e = body[i + 1];
      if (e && /[wWdDsSbB]/.test(e)) out.push(new RegExp(`\\${e}`));
      i++;
    } else if (c === '[') {
      let j = i + 1;
      while (j < body.length && body[j] !== ']') j += body[j] === '\\' ? 2 : 1;
      out.push(new RegExp(body.slice(i, j + 1)));
      i = j;
    } else if (c === '.') {
      out.push(/[\s\S]/);
    }
  }
  return out;
}

const QUANTIFIER_AFTER = /^(?:[*+?]|\{\d+(?:,\d*)?\})/;

/** Splits at `|` outside groups and classes. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '[') while (i < body.length && body[i] !== ']') i += body[i] === '\\' ? 2 : 1;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

/**
 * Whether repeating a group cannot backtrack exponentially: its body has no inner repetition or
 * alternation, or each alternative starts with its own literal character that nothing else in the
 * body can match, so every repetition begins at a place the subject decides.
 */
function repeatsSafely(body: string): boolean {
  const plain = body.replace(/^\?(?::|<[^>]*>|[=!])/, '');
  const hasInner = /(?<!\\)(?:[*+?|]|\{\d)/.test(plain.replace(/\\./g, '').replace(/\[(?:\\.|[^\]])*\]/g, 'x'));
  if (!hasInner) return true;
  const matchers = characterMatchers(plain);
  const firsts = new Set<string>();
  for (const alternative of alternatives(plain)) {
    const m = /^(?:\\([^wWdDsSbB0-9])|([^\\[(.^$|?*+{]))/.exec(alternative);
    if (!m) return false;
    const first = m[1] ?? m[2];
    if (QUANTIFIER_AFTER.test(alternative.slice(m[0].length))) return false;
    if (firsts.has(first) || matchers.some(r => r.test(first))) return false;
    firsts.add(first);
  }
  return true;
}

/**
 * Why a regular expression may backtrack for ever (a repeated group with repetition inside that is
 * not delimited, such as `(a+)+` or `(\w|\d)*`), or undefined. `^[a-z]+(-[a-z]+)*$` is fine.
 */
export function riskyPattern(pattern: string): string | undefined {
  const starts: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
    else if (c === '(') starts.push(i + 1);
    else if (c === ')') {
      const start = starts.pop() ?? 0;
      const quantifier = /^(?:[*+]|\{\d+(?:,\d*)?\})/.exec(pattern.slice(i + 1));
      const most = quantifier && /^\{(?:\d+,)?(\d+)\}$/.exec(quantifier[0]);
      const bounded = most && Number(most[1]) <= 1;
      const body = pattern.slice(start, i);
      if (quantifier && !bounded && !repeatsSafely(body)) return `the repeated group (${body})${quantifier[0]} can backtrack exponentially`;
    }
  }
  return undefined;
}

/** Refuses expressions over the static limits; `ast` is the parser's tree. */
export function checkExpressionLimits(expression: string, ast: unknown): void {
  if (expression.length > CEL_LIMITS.maxLength) {
    throw new CelLimitError(`expression is longer than ${CEL_LIMITS.maxLength} characters`);
  }
  for (const pattern of matchPatterns(ast as Node)) {
    if (pattern.op !== 'value' || typeof pattern.args !== 'string') throw new CelLimitError('matches() takes a literal pattern in scorecard expressions');
    const risk = riskyPattern(pattern.args);
    if (risk) throw new CelLimitError(`matches("${pattern.args}"): ${risk}`);
  }
}

/**
 * Counts the steps of every evaluation in `environment` and checks the size of what each produces,
 * by wrapping its evaluator's `run` (every sub-expression and comprehension iteration goes through
 * it). Returns `evaluateWithLimits(program, variables)`: one evaluation with a fresh budget.
 */
export function installEvaluationLimits(
  environment: Environment,
): <T>(program: (variables: Record<string, unknown>) => T, variables: Record<string, unknown>) => T {
  // The evaluator is private to the environment: catch it as it evaluates a probe expression.
  const probe = environment.parse('true');
  const root = probe.ast as unknown as { evaluate(ev: Evaluator, ast: unknown, ctx: unknown): unknown };
  const evaluate = root.evaluate;
  let evaluator: Evaluator | undefined;
  Object.defineProperty(root, 'evaluate', {
    configurable: true,
    writable: true,
    value(this: unknown, ev: Evaluator, ast: unknown, ctx: unknown) {
      evaluator = ev;
      return evaluate.call(this, ev, ast, ctx);
    },
  });
  probe({});
  if (!evaluator) throw new Error('CEL evaluator not found: the evaluation limits cannot be installed');

  const run = evaluator.run;
  let steps = 0;
  /** Before a node is evaluated: the step budget, and the length of what `matches` will test. */
  const beforeNode = (ev: Evaluator, ast: Node, ctx: unknown) => {
    if (++steps > CEL_LIMITS.maxSteps) throw new CelLimitError(`expression exceeded its limit of ${CEL_LIMITS.maxSteps} evaluation steps`);
    if (ast.op === 'rcall' && (ast.args as unknown[])[0] === 'matches') {
      const subject = run.call(ev, (ast.args as Node[])[1], ctx);
      if (typeof subject === 'string' && subject.length > CEL_LIMITS.maxMatchSubjectLength) {
        throw new CelLimitError(`matches() is limited to strings of ${CEL_LIMITS.maxMatchSubjectLength} characters`);
      }
    }
  };
  const afterNode = (value: unknown) => {
    if (typeof value === 'string' ? value.length > CEL_LIMITS.maxStringLength : Array.isArray(value) && value.length > CEL_LIMITS.maxListLength) {
      throw new CelLimitError(`expression built a ${typeof value === 'string' ? 'string' : 'list'} over its limit of ${typeof value === 'string' ? CEL_LIMITS.maxStringLength : CEL_LIMITS.maxListLength}`);
    }
    return value;
  };
  evaluator.run = function limitedRun(this: Evaluator, ast: Node, ctx: unknown) {
    beforeNode(this, ast, ctx);
    return afterNode(run.call(this, ast, ctx));
  };
  const limited = new WeakSet<object>();
  return <T>(program: (variables: Record<string, unknown>) => T, variables: Record<string, unknown>): T => {
    // The root node is evaluated directly, not through `run`: give it the same checks, once per program.
    const ast = (program as unknown as { ast: Node & { evaluate: Evaluator['run'] } }).ast;
    if (!limited.has(ast)) {
      limited.add(ast);
      let inner: ((ev: Evaluator, node: Node, ctx: unknown) => unknown) | undefined;
      const dispatch = Object.getPrototypeOf(ast).evaluate as (ev: Evaluator, node: Node, ctx: unknown) => unknown;
      Object.defineProperty(ast, 'evaluate', {
        configurable: true,
        get: () =>
          function limitedRoot(this: Node, ev: Evaluator, node: Node, ctx: unknown) {
            beforeNode(ev, node, ctx);
            return afterNode((inner ?? dispatch).call(this, ev, node, ctx));
          },
        // the node caches its resolved evaluate function on first use
        set: (fn: typeof inner) => {
          inner = fn;
        },
      });
    }
    steps = 0;
    return program(variables);
  };
}
