import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import type { JsonValue } from '@portico/plugin-scorecards-common';
import { z } from 'zod';
import type { RuleType } from '../../extensions';
import { CEL_LIMITS, CelLimitError, checkExpressionLimits, installEvaluationLimits } from './celLimits';

// CEL over `entity` and `facts` (maps); interpreted by @marcbachmann/cel-js, never by eval. Loaded with the first
// expression rather than with the plugin: the portal's start need not evaluate the library.
let cel: { environment: Environment; evaluateWithLimits: ReturnType<typeof installEvaluationLimits> } | undefined;

function celEnvironment(): NonNullable<typeof cel> {
  if (!cel) {
    const { Environment: CelEnvironment } = require('@marcbachmann/cel-js') as typeof import('@marcbachmann/cel-js');
    const environment = new CelEnvironment({ homogeneousAggregateLiterals: false, limits: CEL_LIMITS.parser })
      .registerVariable('entity', 'map')
      .registerVariable('facts', 'map');
    /** Runs one evaluation with a step budget and size checks (see celLimits.ts). */
    cel = { environment, evaluateWithLimits: installEvaluationLimits(environment) };
  }
  return cel;
}

const programs = new Map<string, ParseResult>();

/** Parses and type-checks once per expression text; throws with the library's message on errors. */
function compile(expression: string): ParseResult {
  let program = programs.get(expression);
  if (!program) {
    if (expression.length > CEL_LIMITS.maxLength) throw new CelLimitError(`expression is longer than ${CEL_LIMITS.maxLength} characters`);
    program = celEnvironment().environment.parse(expression);
    const checked = program.check();
    if (!checked.valid) throw checked.error ?? new Error('invalid expression');
    checkExpressionLimits(expression, program.ast);
    programs.set(expression, program);
  }
  return program;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/**
 * Fact names an expression reads (`facts["a.b"]`, `facts.a.b` and its prefixes), once per expression;
 * `all` when it also uses `facts` another way (`"x" in facts`, `facts[name]`), so every fact is needed.
 */
interface FactReads {
  names: string[];
  all: boolean;
}
const readsByExpression = new Map<string, FactReads>();

function factReads(expression: string): FactReads {
  let reads = readsByExpression.get(expression);
  if (!reads) {
    const names = new Set<string>();
    let uses = 0;
    for (const m of expression.matchAll(/\bfacts\s*\[\s*["']([^"']+)["']\s*\]/g)) {
      names.add(m[1]);
      uses++;
    }
    for (const m of expression.matchAll(/\bfacts\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g)) {
      const parts = m[1].split('.');
      for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join('.'));
      uses++;
    }
    const mentions = expression.match(/\bfacts\b/g)?.length ?? 0;
    reads = { names: [...names], all: mentions > uses };
    readsByExpression.set(expression, reads);
  }
  return reads;
}

function referencedFacts(expression: string, facts: Readonly<Record<string, JsonValue>>): string[] {
  return factReads(expression).names.filter(n => n in facts);
}

const paramsSchema = z
  .object({
    expression: z.string().min(1).superRefine((expression, ctx) => {
      try {
        compile(expression);
      } catch (error) {
        const over = error instanceof CelLimitError || /limit|exceed|longer than/i.test(firstLine(error));
        ctx.addIssue({ code: 'custom', message: `${over ? 'CEL expression is over a limit' : 'CEL expression does not parse'}: ${firstLine(error)}` });
      }
    }),
  })
  .strict();

/**
 * Copies JSON into plain arrays and objects of this realm: the CEL library recognises maps and
 * lists by constructor, and values parsed elsewhere (fetch's JSON) may come from another realm.
 */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value;
}

const celEntities = new WeakMap<object, unknown>();

function entityForCel(entity: object): unknown {
  let converted = celEntities.get(entity);
  if (converted === undefined) {
    converted = toCel(entity);
    celEntities.set(entity, converted);
  }
  return converted;
}

const celFactsCache = new WeakMap<object, Record<string, unknown>>();

/** Converts JSON facts into a CEL map; names with dots are also nested (`facts.catalog.hasOwner`). */
function factsForCel(facts: Readonly<Record<string, JsonValue>>, only?: readonly string[]): Record<string, unknown> {
  // One entity's rules share one facts object: convert all of it once, or just what an expression reads.
  const cached = only ? undefined : celFactsCache.get(facts);
  if (cached) return cached;
  const out: Record<string, unknown> = {};
  const entries = only ? only.filter(n => n in facts).map(n => [n, facts[n]] as const) : Object.entries(facts);
  for (const [name, value] of entries) {
    out[name] = toCel(value);
    const parts = name.split('.');
    if (parts.length < 2) continue;
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const existing = node[part];
      if (existing === undefined) node[part] = {};
      else if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) {
        node = {};
        break;
      }
      node = node[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (!(last in node)) node[last] = out[name];
  }
  if (!only) celFactsCache.set(facts, out);
  return out;
}

function celFacts(expression: string, facts: Readonly<Record<string, JsonValue>>): Record<string, unknown> {
  const reads = factReads(expression);
  return reads.all ? factsForCel(facts) : factsForCel(facts, reads.names);
}

/**
 * `expression`: a CEL expression over `entity` and `facts` that must yield true. A fact that is
 * missing or stale makes the result `unknown`; JSON numbers are CEL doubles (`facts.x > 1.0`).
 */
export const expressionRuleType: RuleType<z.infer<typeof paramsSchema>> = {
  type: 'expression',
  description: 'Passes when a CEL expression over `entity` and `facts` is true.',
  paramsSchema,
  evaluate(context) {
    const { expression } = context.params;
    const evidence: Record<string, JsonValue> = {};
    for (const name of referencedFacts(expression, context.facts)) evidence[name] = context.facts[name];
    let result: unknown;
    try {
      const program = compile(expression);
      const variables = { entity: entityForCel(context.entity), facts: celFacts(expression, context.facts) };
      result = celEnvironment().evaluateWithLimits(program, variables);
    } catch (error) {
      const message = firstLine(error);
      const missing = /no such key: (\S+)/i.exec(message);
      if (missing) {
        const name = missing[1];
        const stale = Object.keys(context.staleFacts).find(n => n === name || n.endsWith(`.${name}`) || n.startsWith(`${name}.`));
        return {
          status: 'unknown',
          evidence,
          message: stale
            ? `Fact ${stale} is stale (collected ${context.staleFacts[stale]})`
            : `Expression reads ${name}, which is missing`,
        };
      }
      return { status: 'unknown', evidence, message: `Expression failed: ${message}` };
    }
    if (typeof result !== 'boolean') {
      return { status: 'unknown', evidence, message: `Expression yields ${typeof result}, not a boolean` };
    }
    return {
      status: result ? 'pass' : 'fail',
      evidence,
      message: result ? `${expression} is true` : `${expression} is false`,
    };
  },
};
