import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';

/** The part of the catalog API catalog:register and catalog:fetch need. */
export interface CatalogLocationsClient {
  /** With `dryRun`, reads the target and reports its entities without storing anything. */
  addLocation(location: { type: string; target: string; dryRun?: boolean }, options: { signal?: AbortSignal }): Promise<{ entityRefs: string[] }>;
  getEntityByRef?(entityRef: string): Promise<Record<string, unknown> | undefined>;
}

/** `team-a` → `group:<namespace>/team-a`; full refs are kept (lower-cased); a malformed owner gives none. */
function ownerRefOf(owner: unknown, namespace: string): string | undefined {
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: namespace }));
  } catch {
    return undefined;
  }
}

export function createCatalogFetchAction(options: { catalog: CatalogLocationsClient }) {
  return createTemplateAction({
    id: 'catalog:fetch',
    description: 'Reads an entity from the catalog; outputs it and its owner as a full entity ref.',
    supportsDryRun: true,
    schema: {
      input: z.object({ entityRef: z.string().min(1), optional: z.boolean().optional() }),
      output: z.object({ entity: z.record(z.string(), z.unknown()).nullable(), ownerRef: z.string().optional() }),
    },
    async handler(ctx) {
      if (!options.catalog.getEntityByRef) throw new Error('catalog:fetch needs a catalog client that can read entities');
      const entity = await options.catalog.getEntityByRef(ctx.input.entityRef);
      if (!entity) {
        if (ctx.input.optional) {
          ctx.output('entity', null);
          return;
        }
        throw new Error(`Entity ${ctx.input.entityRef} was not found in the catalog`);
      }
      const metadata = (entity.metadata ?? {}) as { namespace?: string };
      const ownerRef = ownerRefOf((entity.spec as { owner?: unknown } | undefined)?.owner, metadata.namespace ?? 'default');
      ctx.output('entity', JSON.parse(JSON.stringify(entity)));
      if (ownerRef) ctx.output('ownerRef', ownerRef);
    },
  });
}

function canonicalRef(ref: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch (e) {
    throw new Error(`expectedEntityRefs: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads the file through a dry run of the catalog and refuses it unless it yields exactly the
 * expected entities: a value that broke out of its YAML scalar cannot smuggle in another entity.
 */
async function checkExpectedEntities(catalog: CatalogLocationsClient, url: string, expectedRefs: string[], signal?: AbortSignal) {
  const expected = new Set(expectedRefs.map(canonicalRef));
  const preview = await catalog.addLocation({ type: 'url', target: url, dryRun: true }, { signal });
  const found = new Set(preview.entityRefs.filter(r => !r.startsWith('location:')).map(r => r.toLowerCase()));
  const unexpected = [...found].filter(r => !expected.has(r));
  const missing = [...expected].filter(r => !found.has(r));
  if (unexpected.length > 0 || missing.length > 0) {
    const parts = [unexpected.length ? `unexpected ${unexpected.join(', ')}` : '', missing.length ? `missing ${missing.join(', ')}` : ''].filter(Boolean);
    throw new Error(`Refusing to register ${url}: it does not yield exactly the expected entities (${parts.join('; ')})`);
  }
}

export function createCatalogRegisterAction(options: { catalog: CatalogLocationsClient }) {
  return createTemplateAction({
    id: 'catalog:register',
    description: 'Registers a catalog-info.yaml with the catalog (POST /api/catalog/locations).',
    supportsDryRun: false,
    schema: {
      input: z.intersection(
        z.union([
          z.object({ catalogInfoUrl: z.string().min(1) }),
          z.object({ repoContentsUrl: z.string().min(1), catalogInfoPath: z.string().default('/catalog-info.yaml') }),
        ]),
        z.object({
          optional: z.boolean().optional(),
          expectedEntityRefs: z
            .array(z.string().min(1))
            .min(1)
            .optional()
            .describe('The entities the file must yield, e.g. ["component:default/${{ parameters.name }}"]; a file that yields any other (or misses one) is not registered'),
        }),
      ),
      output: z.object({ entityRef: z.string().optional(), catalogInfoUrl: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const url =
        'catalogInfoUrl' in input
          ? input.catalogInfoUrl
          : `${input.repoContentsUrl.replace(/\/$/, '')}/${input.catalogInfoPath.replace(/^\//, '')}`;
      if (input.expectedEntityRefs) {
        await ctx.checkpoint('preview', async () => {
          await checkExpectedEntities(options.catalog, url, input.expectedEntityRefs!, ctx.signal);
          return true;
        });
      }
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
