import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import type { JsonObject } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { durationToMs } from '../service/duration';
import { compileSchema } from '../service/TemplateParameters';

/** `jane` → `user:default/jane`; `group:dbas` → `group:default/dbas`; lower-cased like entity refs. */
export function normalizeAssignee(ref: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref.trim(), { defaultKind: 'user' }));
  } catch (cause) {
    throw new Error(`Invalid assignee '${ref}': use an entity ref such as user:default/jane or group:default/dbas`, { cause });
  }
}

function expiry(input: { expiresIn?: string; expiresAt?: string }): string | undefined {
  if (input.expiresAt) return new Date(input.expiresAt).toISOString();
  if (input.expiresIn) return new Date(Date.now() + durationToMs(input.expiresIn)).toISOString();
  return undefined;
}

const common = {
  title: z.string().min(1),
  description: z.string().optional(),
  expiresIn: z.string().optional().describe('ISO-8601 duration after which the step fails, e.g. P2D'),
  expiresAt: z.iso.datetime().optional(),
};

export function createInputRequestAction() {
  return createTemplateAction({
    id: 'input:request',
    description: 'Pauses the run until one of the assignees (users or groups) submits a form described by a JSON Schema.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        ...common,
        assignees: z.array(z.string().min(1)).min(1),
        schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the form'),
      }),
      output: z.object({ values: z.record(z.string(), z.unknown()), submittedBy: z.string() }),
    },
    async handler(ctx) {
      const { title, description, assignees, schema } = ctx.input;
      compileSchema(schema as JsonObject); // a broken form fails the step now, not when someone answers
      const answer = await ctx.waitForHuman({
        kind: 'input',
        title,
        description,
        assignees: assignees.map(normalizeAssignee),
        schema: schema as JsonObject,
        expiresAt: expiry(ctx.input),
      });
      ctx.logger.info(`Input submitted by ${answer.by}`);
      ctx.output('values', answer.values ?? {});
      ctx.output('submittedBy', answer.by);
    },
  });
}

export function createApprovalRequestAction() {
  return createTemplateAction({
    id: 'approval:request',
    description: 'Pauses the run until one of the approvers (users or groups) approves or rejects; a rejection or an expiry fails the step.',
    supportsDryRun: true,
    schema: {
      input: z.object({ ...common, approvers: z.array(z.string().min(1)).min(1) }),
      output: z.object({ approved: z.boolean(), approvedBy: z.string(), comment: z.string().optional() }),
    },
    async handler(ctx) {
      const { title, description, approvers } = ctx.input;
      const answer = await ctx.waitForHuman({
        kind: 'approval',
        title,
        description,
        assignees: approvers.map(normalizeAssignee),
        expiresAt: expiry(ctx.input),
      });
      if (answer.decision === 'rejected') {
        throw new Error(`Rejected by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}`);
      }
      ctx.logger.info(`Approved by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}`);
      ctx.output('approved', true);
      ctx.output('approvedBy', answer.by);
      if (answer.comment) ctx.output('comment', answer.comment);
    },
  });
}
