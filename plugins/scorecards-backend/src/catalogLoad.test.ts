import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coreServices, createBackendModule, createBackendPlugin, type EventsService } from '@portico/backend-plugin-api';
import { type Entity } from '@portico/catalog-model';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { CATALOG_ENTITIES_CHANGED_TOPIC, CATALOG_LOAD_FINISHED_TOPIC, catalogProcessorsExtensionPoint } from '@portico/plugin-catalog-node';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { register } from 'prom-client';
import request from 'supertest';
import { scorecardsPlugin } from './plugin';
import { component, platform, readinessSpec, scorecard, teamA } from './__testUtils__/testScorecardsBackend';

/** An evaluation queue's depth as `/metrics` shows it. */
async function queueDepth(queue: 'entities' | 'scorecards'): Promise<number | undefined> {
  const metric = register.getSingleMetric('portico_scorecards_evaluation_queue_depth');
  const values = metric ? (await metric.get()).values : [];
  return values.find(v => v.labels.queue === queue)?.value;
}

const toYaml = (entities: Entity[]) => entities.map(e => JSON.stringify(e)).join('\n---\n') + '\n';

describe("evaluations wait for the catalog's first load", () => {
  let backend: TestBackend | undefined;
  let dir: string;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const facts = async (name: string) => {
    const res = await request(backend!.server).get(`/api/scorecards/entities/component/default/${name}/facts`).expect(200);
    return Object.fromEntries((res.body.items as Array<{ name: string; value: unknown }>).map(f => [f.name, f.value]));
  };

  it('collects and evaluates nothing the first read changed until the catalog announces its end, then everything', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-scorecards-load-'));
    // Two files, read one after the other: the first commits (announced as `loading`) while the second is held
    // by a processor until the test lets it go, so the first read is still in progress.
    fs.writeFileSync(path.join(dir, 'first.yaml'), toYaml([teamA, platform, component('ledger'), scorecard(readinessSpec)]));
    fs.writeFileSync(path.join(dir, 'second.yaml'), toYaml([component('slow')]));
    let letGo!: () => void;
    const held = new Promise<void>(resolve => (letGo = resolve));
    const holdSecondFile = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'hold-second-file',
      register(env) {
        env.registerInit({
          deps: { processors: catalogProcessorsExtensionPoint },
          async init({ processors }) {
            processors.addProcessor({
              getProcessorName: () => 'hold-second-file',
              preProcessEntity: async entity => {
                if (entity.metadata.name === 'slow') await held;
                return entity;
              },
            });
          },
        });
      },
    });
    const seen: Array<{ topic: string; payload: unknown }> = [];
    let events: EventsService | undefined;
    const listener = createBackendPlugin({
      pluginId: 'listener',
      register(env) {
        env.registerInit({
          deps: { e: coreServices.events },
          async init({ e }) {
            events = e;
            await e.subscribe({ id: 'listener', topics: [CATALOG_ENTITIES_CHANGED_TOPIC, CATALOG_LOAD_FINISHED_TOPIC], onEvent: async ({ topic, payload }) => void seen.push({ topic, payload }) });
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [listener, catalogPlugin, holdSecondFile, scorecardsPlugin],
      config: {
        catalog: {
          locations: [
            { type: 'file', target: path.join(dir, 'first.yaml') },
            { type: 'file', target: path.join(dir, 'second.yaml') },
          ],
        },
      },
      manualSchedulers: true,
    });
    expect(events).toBeDefined();

    // The first file is in, announced as part of a load in progress; its entities wait in the queue.
    await eventually(async () => expect(seen.some(s => (s.payload as { added?: string[] }).added?.includes('component:default/ledger'))).toBe(true));
    expect(seen.every(s => s.topic === CATALOG_ENTITIES_CHANGED_TOPIC && (s.payload as { loading?: boolean }).loading === true)).toBe(true);
    await eventually(async () => expect(await queueDepth('entities')).toBeGreaterThanOrEqual(1));
    expect(await facts('ledger')).toEqual({});
    // the Scorecard the load added waits as well
    await eventually(async () => expect(await queueDepth('scorecards')).toBe(1));
    expect(backend.logger?.lines.some(l => /^Evaluated scorecard /.test(String(l.message)))).toBe(false);

    // The second file ends the first read: the catalog says so, and the waiting entities are collected.
    letGo();
    await eventually(async () => expect(seen.map(s => s.topic)).toContain(CATALOG_LOAD_FINISHED_TOPIC));
    expect(seen.find(s => s.topic === CATALOG_LOAD_FINISHED_TOPIC)?.payload).toMatchObject({ ok: true, durationMs: expect.any(Number) });
    await eventually(async () => expect(await facts('ledger')).toMatchObject({ 'catalog.hasOwner': true }));
    await eventually(async () => expect(await facts('slow')).toMatchObject({ 'catalog.hasOwner': true }));
    // they were held until then, not evaluated as they came
    expect(backend.logger?.lines).toContainEqual(
      expect.objectContaining({ level: 'info', message: expect.stringMatching(/^Evaluations resumed when the catalog's first load finished \(held \d+ ms\)$/) }),
    );
    await eventually(async () => expect(await queueDepth('entities')).toBe(0));
  });
});
