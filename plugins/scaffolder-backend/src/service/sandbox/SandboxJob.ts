/** Work the sandbox evaluates off the main thread: untrusted templates and expressions over JSON data. */
export type SandboxJob =
  | { kind: 'renderValue'; value: unknown; context: Record<string, unknown> }
  | { kind: 'renderString'; template: string; context: Record<string, unknown> }
  | { kind: 'jsonata'; expression: string; data: unknown };

/** A worker's answer to one job. */
export type SandboxReply = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };
