import { durationSchema, type ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';

/** How long events are kept unless `backend.events.retention` says otherwise. */
export const DEFAULT_EVENTS_RETENTION = 'P1D';

/** The retention of `backend.events.retention` in milliseconds; a bad value stops the start naming the key. */
export function readEventsRetention(config: ConfigService): number {
  const parsed = durationSchema.safeParse(config.getOptional('backend.events.retention') ?? DEFAULT_EVENTS_RETENTION);
  if (!parsed.success) throw new ConfigError(`backend.events.retention: ${parsed.error.issues.map(i => i.message).join('; ')}`);
  return parsed.data;
}
