import { createBackendModule, createBackendPlugin, durationSchema } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { z } from 'zod';
import { buildTestBackend } from '../__testUtils__/testBackend';
import { closestKey, findUnknownConfigKeys } from './unknownConfigKeys';

const catalogSchema = z
  .object({
    locations: z.array(z.object({ type: z.enum(['file', 'url']), target: z.string() })).default([]),
    processingInterval: durationSchema.prefault('PT1M'),
    limits: z.object({ maxEntityBytes: z.number().default(1) }).strict().prefault({}),
    providers: z.record(z.string(), z.object({ host: z.string() })).default({}),
    extra: z.looseObject({}).optional(),
  })
  .prefault({});

const plugin = (pluginId: string, configSchema?: z.ZodType) =>
  createBackendPlugin({ pluginId, configSchema, register: env => env.registerInit({ deps: {}, init: async () => undefined }) });

const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'slack',
  configSection: 'slack',
  configSchema: z.object({ webhookUrl: z.string().optional() }).prefault({}),
  register: env => env.registerInit({ deps: {}, init: async () => undefined }),
});

async function startWith(config: Record<string, unknown>, nodeEnv?: string) {
  const previous = process.env.NODE_ENV;
  if (nodeEnv) process.env.NODE_ENV = nodeEnv;
  try {
    const { backend, lines } = buildTestBackend(config, [plugin('catalog', catalogSchema), plugin('scaffolder'), scaffolderModule]);
    const error = await backend.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await backend.stop();
    return { error, warnings: lines.filter(line => line.level === 'warn').map(line => line.message) };
  } finally {
    process.env.NODE_ENV = previous;
  }
}

const typos = {
  catalog: { location: [{ type: 'file', target: 'a.yaml' }], locations: [{ type: 'file', tagret: 'b.yaml', target: 'b.yaml' }] },
  scafolder: { anything: true },
  backend: { listen: { prot: 7301 } },
};

const expected = [
  "Unknown config key 'backend.listen.prot'; did you mean 'backend.listen.port'?",
  "Unknown config key 'catalog.location'; did you mean 'catalog.locations'?",
  "Unknown config key 'catalog.locations[0].tagret'; did you mean 'catalog.locations[0].target'?",
  "Unknown config key 'scafolder'; did you mean 'scaffolder'?",
];

describe('unknown config keys at start', () => {
  it("warns about each key no plugin, module or the host reads, with the closest known key, and starts", async () => {
    const { error, warnings } = await startWith(typos);
    expect(error).toBeUndefined();
    expect(warnings.filter(w => w.startsWith('Unknown config key')).sort()).toEqual(expected);
  });

  it('refuses to start under NODE_ENV=production, naming every unknown key at once', async () => {
    const { error } = await startWith(typos, 'production');
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const line of expected) expect(message).toContain(line);
    expect(message).toContain('NODE_ENV=production');
  });

  it('says nothing about keys a schema, a module sharing nothing, a record, a loose object or the host declares', async () => {
    const { error, warnings } = await startWith(
      {
        catalog: { locations: [{ type: 'file', target: 'a.yaml' }], providers: { any: { host: 'h' } }, extra: { whatever: { deep: 1 } } },
        slack: { webhookUrl: 'http://localhost' },
        scaffolder: { anything: 'the plugin declares no schema: its section is not looked into' },
        app: { title: 'Portico', someFrontendKey: 1 },
        integrations: { file: { roots: [] } },
        auth: { keys: { rotationInterval: 'P1D' } },
        backend: { baseUrl: 'http://localhost:7007', cors: { origin: 'https://a.example' }, startup: { default: { onBootFailure: 'abort' } } },
      },
      'production',
    );
    expect(error).toBeUndefined();
    expect(warnings.filter(w => w.startsWith('Unknown config key'))).toEqual([]);
  });

  it("leaves a .strict() schema's refusal to the plugin's config check, with the hint too", async () => {
    const { error } = await startWith({ catalog: { limits: { maxEntityByte: 1 } } });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "Invalid config at catalog.limits.maxEntityByte: unknown key (no installed plugin or module reads it); did you mean 'catalog.limits.maxEntityBytes'?",
    );
  });

  it('keeps an unknown backend key in the config as written (it is only reported)', async () => {
    const previous = process.env.NODE_ENV;
    const { backend, lines } = buildTestBackend({ backend: { futureKey: { a: 1 } } }, []);
    try {
      await backend.start();
      const { coreServices } = await import('@portico/backend-plugin-api');
      const config = await backend.getService(coreServices.rootConfig);
      expect(config.getOptional('backend.futureKey')).toEqual({ a: 1 });
      expect(lines.map(l => l.message)).toContain("Unknown config key 'backend.futureKey' (no installed plugin, module or the host reads it)");
    } finally {
      await backend.stop();
      process.env.NODE_ENV = previous;
    }
  });
});

describe('closestKey', () => {
  it.each([
    ['location', ['locations', 'rules'], 'locations'],
    ['prot', ['port', 'host'], 'port'],
    ['scafolder', ['scaffolder', 'catalog'], 'scaffolder'],
    ['Locations', ['locations'], 'locations'],
    ['xyz', ['port', 'host'], undefined],
    ['a', ['b'], undefined],
  ] as const)('%s among %j: %s', (key, candidates, expectedKey) => {
    expect(closestKey(key, candidates)).toBe(expectedKey);
  });

  it('finds nothing to report in a section whose only reader has no schema', () => {
    expect(findUnknownConfigKeys({ x: { y: 1 } }, [{ section: 'x' }])).toEqual([]);
  });
});
