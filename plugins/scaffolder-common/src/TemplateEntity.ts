import type { JsonObject, JsonValue } from '@portico/types';
import type { MissingTemplateAction } from './ActionAvailability';

/** JSON Schema objects as written in a template (`ui:*` keys allowed) are JsonObjects. */
export type { JsonObject, JsonValue } from '@portico/types';

/** One step of a template (Backstage `scaffolder.backstage.io/v1beta3` shape). */
export interface TemplateStep {
  id: string;
  name?: string;
  action: string;
  input?: JsonObject;
  /** A templating expression or boolean; the step is skipped when it is falsy. */
  if?: string | boolean;
  /** A templating expression or list: the step runs once per item, with `each.key`/`each.value`. */
  each?: string | JsonValue[] | JsonObject;
  /** Ours: the step fails when it runs longer than this (ISO-8601 duration such as `PT30S`, or milliseconds). */
  timeout?: string | number;
}

/** `spec.output` of a template: links and texts shown when a run completes. */
export interface TemplateOutput {
  links?: Array<{ title?: string; icon?: string; url?: string; entityRef?: string }>;
  text?: Array<{ title?: string; content?: string }>;
  [key: string]: JsonValue | undefined;
}

export interface TemplateEntityV1beta3 {
  apiVersion: 'scaffolder.backstage.io/v1beta3';
  kind: 'Template';
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    tags?: string[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: {
    type?: string;
    owner?: string;
    /** One JSON Schema object per form page, or a single one. */
    parameters?: JsonObject | JsonObject[];
    steps: TemplateStep[];
    output?: TemplateOutput;
  };
}

export const TEMPLATE_API_VERSION = 'scaffolder.backstage.io/v1beta3';

/** The parameter schema of a template as the wizard renders it, one page per step. */
export interface TemplateParameterSchema {
  title: string;
  description?: string;
  steps: Array<{ title: string; description?: string; schema: JsonObject }>;
  /**
   * Steps whose action this portal does not have, each with the plugin that provides it. A template with a missing
   * action outside an optional (`if`) step cannot run; the wizard shows it as unavailable with the reasons.
   */
  missingActions?: MissingTemplateAction[];
}
