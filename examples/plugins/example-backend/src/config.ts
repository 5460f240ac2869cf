import { z } from 'zod';

/** The `example:` section of app-config. */
export const exampleConfigSchema = z
  .object({
    /** The greeting `GET /api/example/greeting` serves (before decorators). */
    greeting: z.string().min(1).default('Hello from Portico'),
  })
  // An absent `example:` section parses as {}, so the defaults above apply.
  .prefault({});
