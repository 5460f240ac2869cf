import { ConflictError, InputError } from '@portico/errors';
import { missingActionReason, type ActionDescription, type JsonObject } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import type { TemplateAction } from '../extensions';

/** The actions available to runs: built-ins plus those added through `scaffolder.actions`. */
export class ActionRegistry {
  private readonly actions = new Map<string, TemplateAction>();

  register(action: TemplateAction): void {
    if (this.actions.has(action.id)) throw new ConflictError(`Scaffolder action '${action.id}' is registered twice`);
    this.actions.set(action.id, action);
  }

  get(id: string): TemplateAction {
    const action = this.actions.get(id);
    // Reached when a run chooses an optional step whose plugin is not installed: say which plugin provides it.
    if (!action) throw new InputError(`Template action with ID '${id}' is not registered. ${missingActionReason(id)}`);
    return action;
  }

  has(id: string): boolean {
    return this.actions.has(id);
  }

  list(): TemplateAction[] {
    return [...this.actions.values()];
  }

  describe(): ActionDescription[] {
    return this.list().map(a => ({
      id: a.id,
      description: a.description,
      examples: a.examples,
      supportsDryRun: a.supportsDryRun ?? false,
      schema: {
        input: a.schema?.input ? (z.toJSONSchema(a.schema.input, { io: 'input', unrepresentable: 'any' }) as JsonObject) : undefined,
        output: a.schema?.output ? (z.toJSONSchema(a.schema.output, { unrepresentable: 'any' }) as JsonObject) : undefined,
      },
    }));
  }
}
