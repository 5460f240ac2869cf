import { z } from 'zod';
import { durationSchema } from '@portico/backend-plugin-api';

/** One entry of `catalog.providers.pagerduty.<id>`. */
export const pagerdutyCatalogProviderConfigSchema = z
  .object({
    /** The `integrations.pagerduty` account (its id); the default account when absent. */
    account: z.string().min(1).optional(),
    schedule: z
      .object({ frequency: durationSchema.prefault('PT1H'), timeout: durationSchema.prefault('PT10M') })
      .strict()
      .prefault({}),
  })
  .strict();

export type PagerDutyCatalogProviderConfig = z.output<typeof pagerdutyCatalogProviderConfigSchema> & { id: string };

/** What the PagerDuty catalog module reads of the `catalog:` section: `catalog.providers.pagerduty.<id>`. */
export const pagerdutyCatalogConfigSchema = z
  .object({ providers: z.object({ pagerduty: z.record(z.string(), pagerdutyCatalogProviderConfigSchema).default({}) }).prefault({}) })
  .prefault({});
