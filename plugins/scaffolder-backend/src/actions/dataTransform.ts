import jsonata from 'jsonata';
import type { JsonValue } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';

export function createDataTransformAction() {
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
      let expression: ReturnType<typeof jsonata>;
      try {
        expression = jsonata(ctx.input.expression);
      } catch (e) {
        throw new Error(`Invalid JSONata expression: ${(e as Error).message}`, { cause: e });
      }
      const result = (await expression.evaluate(ctx.input.data ?? {})) as unknown;
      ctx.output('result', result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue));
    },
  });
}
