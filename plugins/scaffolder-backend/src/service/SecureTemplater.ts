import type nunjucks from 'nunjucks';
import { parseEntityRef } from '@portico/catalog-model';
import { yamlFilters } from './yamlFilters';

/**
 * Names and keys a template may never read: they lead from any value to `Function` and from
 * there to `process` and `require`. Enforced at run time, so computed keys are caught too.
 */
const BLOCKED_KEYS = new Set([
  'constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__',
  '__lookupGetter__', '__lookupSetter__', 'caller', 'callee', 'arguments', 'call', 'apply', 'bind',
]);

/** Thrown when a template tries to reach outside its data. */
export class TemplateSandboxError extends Error {
  name = 'TemplateSandboxError';
}

interface NunjucksRuntime {
  memberLookup(obj: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown;
}

let runtimeHardened = false;

/**
 * Nunjucks compiles templates to JavaScript that reads members through its runtime module; we
 * replace the two lookups with checked ones. This is process-wide and only ever stricter.
 */
function hardenRuntime(engine: typeof nunjucks) {
  if (runtimeHardened) return;
  const runtime = (engine as unknown as { runtime: NunjucksRuntime }).runtime;
  const originalMember = runtime.memberLookup;
  const originalContext = runtime.contextOrFrameLookup;
  runtime.memberLookup = (obj: unknown, key: unknown) => {
    if (obj === undefined || obj === null) return undefined;
    if (typeof obj === 'function') {
      throw new TemplateSandboxError(`Templates cannot read properties of functions (tried '${String(key)}')`);
    }
    if (typeof key === 'string' && BLOCKED_KEYS.has(key)) {
      throw new TemplateSandboxError(`Access to '${key}' is not allowed in templates`);
    }
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new TemplateSandboxError('Templates can only look up properties by string or number');
    }
    return originalMember(obj, key);
  };
  runtime.contextOrFrameLookup = (context: unknown, frame: unknown, name: string) => {
    if (BLOCKED_KEYS.has(name) || name in Object.prototype) {
      throw new TemplateSandboxError(`Access to '${name}' is not allowed in templates`);
    }
    return originalContext(context, frame, name);
  };
  runtimeHardened = true;
}

const MAX_RANGE = 10_000;

export type TemplateFilter = (...args: unknown[]) => unknown;

export interface SecureTemplaterOptions {
  /** Extra filters, e.g. `parseRepoUrl`. */
  filters?: Record<string, TemplateFilter>;
}

/**
 * The globals and filters every template environment has. The one place to register a filter: the
 * sandbox's evaluation processes build their templater with it too (src/service/sandbox/sandboxWorker.ts).
 */
export function registerTemplateFilters(env: nunjucks.Environment, extra: Record<string, TemplateFilter> = {}): void {
  // The default globals (range, cycler, joiner) are functions; keep a bounded range only.
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  for (const key of Object.keys(globals)) delete globals[key];
  env.addGlobal('range', (start: number, stop?: number, step = 1) => {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    const out: number[] = [];
    for (let i = from; step > 0 ? i < to : i > to; i += step) {
      if (out.length >= MAX_RANGE) throw new TemplateSandboxError(`range() is limited to ${MAX_RANGE} items`);
      out.push(i);
    }
    return out;
  });
  env.addFilter('__jsonify', (value: unknown) => JSON.stringify(value === undefined ? null : value));
  for (const [name, fn] of Object.entries({ ...builtinFilters, ...yamlFilters, ...extra })) env.addFilter(name, fn);
}

const EXPRESSION_ONLY = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;

/**
 * Renders `${{ }}` templates with nunjucks: no loaders (no `include`/`import`/`extends`, no file
 * access), autoescape off, and checked member lookups so templates cannot reach `process` or `require`.
 */
export class SecureTemplater {
  private readonly env: nunjucks.Environment;
  // Loaded with the first templater rather than with the plugin: the portal's start need not evaluate nunjucks.
  private readonly engine = require('nunjucks') as typeof nunjucks;

  constructor(options: SecureTemplaterOptions = {}) {
    hardenRuntime(this.engine);
    this.env = new this.engine.Environment([], {
      autoescape: false,
      throwOnUndefined: false,
      tags: { variableStart: '${{', variableEnd: '}}' },
    });
    registerTemplateFilters(this.env, options.filters);
  }

  /** Compiled templates by source: compiling costs far more than rendering, and steps repeat. */
  private readonly compiled = new Map<string, nunjucks.Template>();

  private compile(source: string): nunjucks.Template {
    let template = this.compiled.get(source);
    if (!template) {
      template = new this.engine.Template(source, this.env, undefined, true);
      if (this.compiled.size >= 2000) this.compiled.delete(this.compiled.keys().next().value as string);
      this.compiled.set(source, template);
    }
    return template;
  }

  /** Renders a string template to a string. */
  renderString(template: string, context: Record<string, unknown>): string {
    return this.compile(template).render(toSafeContext(context));
  }

  /**
   * Renders a value: strings are templates; a string that is exactly one `${{ }}` expression keeps
   * the expression's JSON type; arrays and objects are rendered recursively.
   */
  renderValue(value: unknown, context: Record<string, unknown>): unknown {
    if (typeof value === 'string') {
      if (!value.includes('${{')) return value;
      const m = EXPRESSION_ONLY.exec(value);
      if (m && !m[1].includes('${{') && !m[1].includes('}}')) {
        const json = this.renderString(`\${{ (${m[1]}) | __jsonify }}`, context);
        return json === '' ? undefined : (JSON.parse(json) as unknown);
      }
      return this.renderString(value, context);
    }
    if (Array.isArray(value)) return value.map(v => this.renderValue(v, context));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.renderValue(v, context);
      return out;
    }
    return value;
  }
}

/** A deep copy through JSON: the template sees data, never live objects of the host. */
function toSafeContext(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(context)) out[k] = v === undefined ? undefined : JSON.parse(JSON.stringify(v));
  return out;
}

/** Backstage's `parseRepoUrl`: `github.com?owner=acme&repo=svc` → `{ host, owner, repo }`. */
export function parseRepoUrl(value: unknown): Record<string, string> {
  if (typeof value !== 'string') throw new TypeError('parseRepoUrl expects a string');
  let url: URL;
  try {
    url = new URL(`https://${value}`);
  } catch {
    throw new TypeError(`Invalid repo URL '${value}'`);
  }
  const out: Record<string, string> = { host: url.host };
  for (const key of ['owner', 'repo', 'organization', 'workspace', 'project']) {
    const v = url.searchParams.get(key);
    if (v) out[key] = v;
  }
  return out;
}

const builtinFilters: Record<string, TemplateFilter> = {
  parseRepoUrl: (v: unknown) => parseRepoUrl(v),
  projectSlug: (v: unknown) => {
    const { owner, repo } = parseRepoUrl(v);
    return `${owner}/${repo}`;
  },
  // `owner | parseEntityRef({ defaultKind: 'group', defaultNamespace: 'ops' })`, as in Backstage; kind defaults to component.
  parseEntityRef: (v: unknown, defaults: unknown) => {
    if (typeof v !== 'string') throw new TypeError('parseEntityRef expects a string');
    const { defaultKind, defaultNamespace } = (defaults && typeof defaults === 'object' ? defaults : {}) as Record<string, unknown>;
    return parseEntityRef(v, {
      defaultKind: typeof defaultKind === 'string' && defaultKind ? defaultKind : 'component',
      ...(typeof defaultNamespace === 'string' && defaultNamespace ? { defaultNamespace } : {}),
    });
  },
  pick: (v: unknown, key: unknown) =>
    v && typeof v === 'object' && typeof key === 'string' && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined,
};
