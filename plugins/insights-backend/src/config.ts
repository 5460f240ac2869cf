import { z } from 'zod';
import { durationSchema } from '@portico/backend-plugin-api';
import { DEFAULT_PRODUCTION_ENVIRONMENTS } from '@portico/plugin-insights-common';

/**
 * The `insights:` section of app-config. Durations are ISO-8601 (`PT24H`) or unit objects (`{ hours: 24 }`); the
 * host parses them once into milliseconds.
 */
export const insightsConfigSchema = z
  .object({
    /** Environments that count as production (default `[production]`); compared case-insensitively. */
    productionEnvironments: z.array(z.string().min(1).max(100)).min(1).prefault(DEFAULT_PRODUCTION_ENVIRONMENTS),
    /** A production deploy followed within this by an incident or a hotfix deploy on the same entity counts as failed (default PT24H). */
    failureWindow: durationSchema.prefault('PT24H'),
    /** How far sources read history back on their first backfill (default P90D). */
    backfillWindow: durationSchema.prefault('P90D'),
    /** How often each source's backfill runs, incremental after the first (default PT1H). */
    backfillSchedule: durationSchema.prefault('PT1H'),
    /** Events older than this are deleted by a daily task (default P2Y): deployments by finish, pull requests by creation, incidents by opening. */
    retention: durationSchema.prefault('P2Y'),
  })
  .strict()
  .prefault({});

/** The `insights:` section as the plugin gets it: durations in milliseconds. */
export type InsightsConfig = z.output<typeof insightsConfigSchema>;
