import { SecureTemplater } from '../SecureTemplater';
import type { Sandbox } from './Sandbox';

export interface RenderOptions {
  /** Names what is rendered in a limit error: `Templating the input of step 'x'`. */
  label?: string;
  signal?: AbortSignal;
}

/** A `${{ }}` reference to data and nothing else: `${{ parameters.name }}`, `${{ steps.a.output.list[0] }}`. */
const PLAIN_REFERENCE = /\$\{\{\s*[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*|\[\d+\])*\s*\}\}/g;
const MAX_LOCAL_DEPTH = 64;

/** A template that only copies data: no tags, filters, operators or calls, so rendering cannot loop. */
function isPlainTemplate(template: string): boolean {
  if (!template.includes('${{') && !template.includes('{%') && !template.includes('{#')) return true;
  const rest = template.replace(PLAIN_REFERENCE, '');
  return !rest.includes('${{') && !rest.includes('{%') && !rest.includes('{#');
}

/** Like isPlainTemplate for renderValue, which leaves strings without `${{` as they are. */
function isPlainValue(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !value.includes('${{') || isPlainTemplate(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_LOCAL_DEPTH) return false;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.every(child => isPlainValue(child, depth + 1));
}

/**
 * The engine's templater: the SecureTemplater's rendering, run in the sandbox unless the template
 * only copies data (the common `${{ parameters.name }}`, rendered here at once). A whole value (a
 * step's input) is one sandbox call, so a step pays one round-trip to an evaluation process at most.
 */
export class SandboxedTemplater {
  private localTemplater?: SecureTemplater;

  constructor(private readonly options: { sandbox: Sandbox }) {}

  /** Made on first use: it loads nunjucks, which the portal's start need not evaluate. */
  private get local(): SecureTemplater {
    return (this.localTemplater ??= new SecureTemplater());
  }

  /** See SecureTemplater.renderValue. */
  async renderValue(value: unknown, context: Record<string, unknown>, options: RenderOptions = {}): Promise<unknown> {
    if (isPlainValue(value)) return this.local.renderValue(value, context);
    return this.options.sandbox.run({ kind: 'renderValue', value, context }, { label: options.label ?? 'Templating', signal: options.signal });
  }

  /** See SecureTemplater.renderString. */
  async renderString(template: string, context: Record<string, unknown>, options: RenderOptions = {}): Promise<string> {
    if (isPlainTemplate(template)) return this.local.renderString(template, context);
    return (await this.options.sandbox.run({ kind: 'renderString', template, context }, { label: options.label ?? 'Templating', signal: options.signal })) as string;
  }
}
