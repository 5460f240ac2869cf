import { z } from 'zod';
import { createTemplateAction } from '../extensions';

/** The part of the catalog API catalog:register needs. */
export interface CatalogLocationsClient {
  addLocation(location: { type: string; target: string }, options: { signal?: AbortSignal }): Promise<{ entityRefs: string[] }>;
}

export function createCatalogRegisterAction(options: { catalog: CatalogLocationsClient }) {
  return createTemplateAction({
    id: 'catalog:register',
    description: 'Registers a catalog-info.yaml with the catalog (POST /api/catalog/locations).',
    supportsDryRun: false,
    schema: {
      input: z.union([
        z.object({ catalogInfoUrl: z.string().min(1), optional: z.boolean().optional() }),
        z.object({ repoContentsUrl: z.string().min(1), catalogInfoPath: z.string().default('/catalog-info.yaml'), optional: z.boolean().optional() }),
      ]),
      output: z.object({ entityRef: z.string().optional(), catalogInfoUrl: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const url =
        'catalogInfoUrl' in input
          ? input.catalogInfoUrl
          : `${input.repoContentsUrl.replace(/\/$/, '')}/${input.catalogInfoPath.replace(/^\//, '')}`;
      ctx.logger.info(`Registering ${url} in the catalog`);
      try {
        const result = await ctx.checkpoint('register', async () => {
          const r = await options.catalog.addLocation({ type: 'url', target: url }, { signal: ctx.signal });
          return { entityRefs: r.entityRefs };
        });
        const entityRef = result.entityRefs.find(r => !r.startsWith('location:')) ?? result.entityRefs[0];
        if (entityRef) ctx.output('entityRef', entityRef);
        ctx.output('catalogInfoUrl', url);
      } catch (e) {
        if (!input.optional) throw e;
        ctx.logger.warn(`Registering ${url} failed and was optional: ${(e as Error).message}`);
        ctx.output('catalogInfoUrl', url);
      }
    },
  });
}
