import { durationSchema } from '@portico/backend-plugin-api';
import { z } from 'zod';

/** A duration setting (`PT1H` or `{ hours: 1 }`), in milliseconds once parsed. */
const duration = (fallback: string) => durationSchema.prefault(fallback);

/** Value types that pushed facts may be declared with in `scorecards.factTypes`. */
export const factTypeNames = ['string', 'number', 'integer', 'boolean', 'string[]', 'object'] as const;

/** The `scorecards:` section of app-config. */
export const scorecardsConfigSchema = z
  .object({
    /** How long fact history is kept; the latest value of each fact always stays. */
    factRetention: duration('P90D'),
    /** Evaluation interval of scorecards without `spec.schedule`. */
    defaultSchedule: duration('PT1H'),
    /** How often to check which scorecards are due, and for expired exemptions. */
    evaluationCheckInterval: duration('PT1M'),
    /** Interval of collectors without their own schedule. */
    collectorSchedule: duration('PT1H'),
    /** How often an initiative reminds owners of entities still below its target. */
    reminderInterval: duration('P7D'),
    /** Declared types of facts pushed from outside; a push with another type is a 400. */
    factTypes: z.record(z.string(), z.enum(factTypeNames)).default({}),
    notifications: z
      .object({
        /** Slack incoming webhook: every notification is posted there too. */
        slack: z.object({ webhookUrl: z.url(), baseUrl: z.string().optional() }).optional(),
        /** Email over SMTP to `spec.profile.email` of users and groups (a group without one: its members). */
        email: z
          .object({
            from: z.string().min(1),
            baseUrl: z.string().optional(),
            smtp: z.object({
              host: z.string().min(1),
              port: z.number().int().positive().default(587),
              secure: z.boolean().default(false),
              ignoreTLS: z.boolean().optional(),
              auth: z.object({ user: z.string(), pass: z.string() }).optional(),
            }),
          })
          .optional(),
      })
      .default({}),
  })
  .prefault({});

export type ScorecardsConfig = z.output<typeof scorecardsConfigSchema>;

/** The zod schema behind each fact type name. */
export function factTypeSchema(name: (typeof factTypeNames)[number]): z.ZodType {
  switch (name) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'integer':
      return z.number().int();
    case 'boolean':
      return z.boolean();
    case 'string[]':
      return z.array(z.string());
    case 'object':
      return z.record(z.string(), z.unknown());
  }
}
