import { z } from 'zod';
import { backendConfigSchema } from './backendConfigSchema';

/**
 * The top-level sections the host itself reads, with the keys it reads in them. Plugins' and modules' sections
 * come from their `configSchema`; together they are every key app-config may hold.
 */
export const hostConfigSections: { section: string; schema: z.ZodType }[] = [
  { section: 'backend', schema: backendConfigSchema },
  // The frontend's section: the app reads what it likes under it (title, plugins, extensions, ...).
  { section: 'app', schema: z.looseObject({ title: z.string().optional(), plugins: z.array(z.string()).optional() }) },
  // Each integration provider checks `integrations.<id>` against its own schema.
  { section: 'integrations', schema: z.record(z.string(), z.unknown()) },
  // The identity services read two keys of the auth plugin's section.
  {
    section: 'auth',
    schema: z.object({
      keys: z.object({ rotationInterval: z.unknown().optional() }).optional(),
      session: z.object({ accessTokenDuration: z.unknown().optional() }).optional(),
    }),
  },
];
