import { createBackendModule, createBackendPlugin, durationSchema } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { z } from 'zod';
import { buildTestBackend } from '../__testUtils__/testBackend';
import { schemaDeclaresKey } from './schemaDeclaresKey';

/** A plugin whose init records the config it was handed. */
function recordingPlugin(pluginId: string, configSchema: z.ZodType, seen: Record<string, unknown>) {
  return createBackendPlugin({
    pluginId,
    configSchema,
    register: env => env.registerInit({ deps: {}, init: (_deps, { pluginConfig }) => void (seen[pluginId] = pluginConfig) }),
  });
}

/** The `github:` section: the plugin owns `webhookSecret`, a scorecards module owns `factsSchedule`. */
const githubSchema = z.object({ webhookSecret: z.string().optional(), limits: z.object({ perHour: z.number().default(5000) }).strict().prefault({}) }).strict().prefault({});
const factsSchema = z.object({ factsSchedule: durationSchema.prefault('PT6H') }).strict().prefault({});

function factsModule(seen: Record<string, unknown>) {
  return createBackendModule({
    pluginId: 'scorecards',
    moduleId: 'github',
    configSection: 'github',
    configSchema: factsSchema,
    register: env =>
      env.registerInit({
        deps: {},
        init: (_deps, { pluginConfig }) => {
          const ms: number = pluginConfig.factsSchedule;
          seen['scorecards.github'] = ms;
        },
      }),
  });
}

async function startFails(config: Record<string, unknown>, features: Parameters<typeof buildTestBackend>[1]): Promise<ConfigError> {
  const { backend } = buildTestBackend(config, features);
  const error = await backend.start().catch(e => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error;
}

describe("a module's configSection", () => {
  it('hands the module the section it names, parsed once by the host with defaults applied', async () => {
    const seen: Record<string, unknown> = {};
    const { backend } = buildTestBackend({ github: { webhookSecret: 's', factsSchedule: { hours: 2 } } }, [
      recordingPlugin('github', githubSchema, seen),
      recordingPlugin('scorecards', z.undefined(), seen),
      factsModule(seen),
    ]);
    await backend.start();
    await backend.stop();
    expect(seen).toEqual({ github: { webhookSecret: 's', limits: { perHour: 5000 } }, scorecards: undefined, 'scorecards.github': 7_200_000 });
  });

  it("names the module's key with its section when its schema refuses the value, before any init", async () => {
    const seen: Record<string, unknown> = {};
    const error = await startFails({ github: { factsSchedule: 'often' } }, [
      recordingPlugin('github', githubSchema, seen),
      recordingPlugin('scorecards', z.undefined(), seen),
      factsModule(seen),
    ]);
    expect(error.message).toMatch(/^Invalid config at github\.factsSchedule: /);
    expect(seen).toEqual({});
  });

  it('reports a key no reader of a shared section declares, at its full path, once', async () => {
    const error = await startFails({ github: { webhookSecret: 's', factSchedule: 'PT1H', limits: { perMinute: 1 } } }, [
      recordingPlugin('github', githubSchema, {}),
      recordingPlugin('scorecards', z.undefined(), {}),
      factsModule({}),
    ]);
    expect(error.message.split('\n').sort()).toEqual([
      "Invalid config at github.factSchedule: unknown key (no installed plugin or module reads it); did you mean 'github.factsSchedule'?",
      'Invalid config at github.limits.perMinute: unknown key (no installed plugin or module reads it)',
    ]);
  });

  it("counts the keys of a module skipped for want of its plugin as known, without checking their values", async () => {
    const seen: Record<string, unknown> = {};
    const { backend } = buildTestBackend({ github: { webhookSecret: 's', factsSchedule: 'often' } }, [recordingPlugin('github', githubSchema, seen), factsModule(seen)]);
    await backend.start();
    await backend.stop();
    expect(seen).toEqual({ github: { webhookSecret: 's', limits: { perHour: 5000 } } });
  });

  it('refuses a configSection that is not one top-level key, at definition time', () => {
    expect(() => createBackendModule({ pluginId: 'scorecards', moduleId: 'github', configSection: 'github.facts', register() {} })).toThrow(
      "Invalid configSection 'github.facts' for module 'scorecards.github'",
    );
  });
});

describe('schemaDeclaresKey', () => {
  const schema = z
    .object({
      a: z.string().optional(),
      nested: z.object({ b: z.number().default(1) }).strict().prefault({}),
      byId: z.record(z.string(), z.object({ c: z.string() })).default({}),
      either: z.union([z.object({ d: z.string() }), z.object({ e: z.string() })]).optional(),
      piped: z.object({ f: z.string() }).transform(v => v.f).optional(),
      loose: z.looseObject({}).optional(),
    })
    .strict()
    .prefault({});

  it.each([
    [[], 'a', true],
    [[], 'z', false],
    [['nested'], 'b', true],
    [['nested'], 'z', false],
    [['byId'], 'anything', true],
    [['byId', 'x'], 'c', true],
    [['byId', 'x'], 'z', false],
    [['either'], 'd', true],
    [['either'], 'e', true],
    [['piped'], 'f', true],
    [['loose'], 'anything', true],
    [['missing'], 'a', false],
  ] as const)('at %j, key %s: %s', (path, key, expected) => {
    expect(schemaDeclaresKey(schema, path, key)).toBe(expected);
  });
});
