import type { JsonValue } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { defaultSandbox, type Sandbox } from '../service/sandbox/Sandbox';

export function createDataTransformAction(options: { sandbox?: Sandbox } = {}) {
  return createTemplateAction({
    id: 'data:transform',
    description: 'Evaluates a JSONata expression over data (typically parameters and step outputs) and outputs the result.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        expression: z.string().min(1).describe('A JSONata expression'),
        data: z.unknown().optional().describe('The data the expression reads (default: {})'),
      }),
      output: z.object({ result: z.unknown() }),
    },
    async handler(ctx) {
      // In an evaluation process with a time limit and a heap cap: an expression can loop or recurse for ever.
      const sandbox = options.sandbox ?? defaultSandbox();
      const result = await sandbox.run({ kind: 'jsonata', expression: ctx.input.expression, data: ctx.input.data ?? {} }, { label: 'data:transform: expression', signal: ctx.signal });
      ctx.output('result', result as JsonValue);
    },
  });
}
