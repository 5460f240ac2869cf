import { createExtensionPoint, type LoggerService } from '@portico/backend-plugin-api';
import type { HumanTaskRequest, HumanTaskResolution, JsonObject, JsonValue } from '@portico/plugin-scaffolder-common';
import type { ZodType, z } from 'zod';

/** What an action handler receives for one execution of one step. */
export interface ActionContext<TInput> {
  /** The step's input, rendered and validated against the action's input schema. */
  input: TInput;
  /** Writes to the run's log (secrets are redacted). */
  logger: LoggerService;
  /** The run's working directory; resolve paths with `resolveSafeChildPath`. */
  workspacePath: string;
  /** Sets one output value of the step (`steps.<id>.output.<name>`). */
  output(name: string, value: JsonValue): void;
  /** Aborted when the run is cancelled or the step times out. */
  signal: AbortSignal;
  isDryRun: boolean;
  /**
   * Runs `fn` once per run and key, even across a restart: a second call (after a resume or a retry)
   * returns the stored result without calling `fn` again.
   */
  checkpoint<T extends JsonValue | void>(key: string, fn: () => Promise<T>): Promise<T>;
  /** The user who started the run. */
  user: { ref?: string };
  /** The secrets given with the run (never stored in clear, redacted from the log). */
  secrets: Record<string, string>;
  /** The run and step being executed. */
  taskId: string;
  stepId: string;
  /** The template the run came from, with the location relative skeleton paths resolve against. */
  templateInfo?: { entityRef: string; baseUrl?: string };
  /**
   * Pauses the run until a person answers (approval or form). Returns the answer once one exists;
   * until then the run is suspended in state `waiting` and the handler is called again on resume.
   * Throws when the request expired.
   */
  waitForHuman(request: HumanTaskRequest): Promise<HumanTaskResolution>;
}

/** A workflow action contributed through `scaffolder.actions`. */
export interface TemplateAction<TInputSchema extends ZodType = ZodType, TOutputSchema extends ZodType = ZodType> {
  /** e.g. `fetch:template`, `acme:deploy` */
  id: string;
  description?: string;
  examples?: Array<{ description: string; example: string }>;
  schema?: { input?: TInputSchema; output?: TOutputSchema };
  /** When false (default), a dry run skips this action with a log line. */
  supportsDryRun?: boolean;
  /**
   * Whether the step may run again after its worker died mid-step. True by default; set false
   * for actions with side effects that are not protected by `checkpoint`.
   */
  resumable?: boolean;
  handler(ctx: ActionContext<z.output<TInputSchema>>): Promise<void>;
}

/** Creates an action with its input type inferred from the zod schema. */
export function createTemplateAction<TInputSchema extends ZodType, TOutputSchema extends ZodType = ZodType>(
  action: TemplateAction<TInputSchema, TOutputSchema>,
): TemplateAction<TInputSchema, TOutputSchema> {
  if (!/^[a-z0-9][a-z0-9:._-]*$/i.test(action.id)) {
    throw new Error(`Invalid scaffolder action id '${action.id}'`);
  }
  return action;
}

/** `scaffolder.actions`: add workflow actions. */
export interface ScaffolderActionsExtensionPoint {
  addActions(...actions: TemplateAction[]): void;
}

export const scaffolderActionsExtensionPoint = createExtensionPoint<ScaffolderActionsExtensionPoint>({
  id: 'scaffolder.actions',
});

export type { JsonObject };
