import type { JsonObject } from './TemplateEntity';

/** How `GET /v2/actions` describes an action. */
export interface ActionDescription {
  id: string;
  description?: string;
  schema: { input?: JsonObject; output?: JsonObject };
  supportsDryRun: boolean;
  examples?: Array<{ description: string; example: string }>;
}
