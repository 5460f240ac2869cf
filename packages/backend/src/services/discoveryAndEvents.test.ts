import { coreServices, createBackendPlugin, type EventParams } from '@portico/backend-plugin-api';
import { eventually } from '@portico/test-utils';
import { startTestHost } from '../__testUtils__/testBackend';

/** A plugin that hands its services to the test. */
function probe(onInit: (services: Record<string, unknown>) => void | Promise<void>) {
  return createBackendPlugin({
    pluginId: 'probe',
    register: env =>
      env.registerInit({
        deps: {
          discovery: coreServices.discovery,
          events: coreServices.events,
        },
        init: onInit,
      }),
  });
}

describe('discovery and events defaults', () => {
  it('discovers plugins on the bound port internally and on backend.baseUrl externally', async () => {
    let urls: string[] = [];
    const { backend } = await startTestHost({ backend: { baseUrl: 'https://portal.example.com/' } }, [
      probe(async ({ discovery }) => {
        const d = discovery as import('@portico/backend-plugin-api').DiscoveryService;
        urls = [await d.getBaseUrl('catalog'), await d.getExternalBaseUrl('catalog')];
      }),
    ]);
    try {
      expect(urls).toEqual([`http://localhost:${backend.port}/api/catalog`, 'https://portal.example.com/api/catalog']);
    } finally {
      await backend.stop();
    }
  });

  it('delivers events to subscribers of the topic and logs a failing subscriber, retried, then passed over, instead of throwing', async () => {
    const received: EventParams[] = [];
    const { backend, lines } = await startTestHost({}, [
      probe(async ({ events }) => {
        const bus = events as import('@portico/backend-plugin-api').EventsService;
        await bus.subscribe({ id: 'good', topics: ['catalog.entities.changed'], onEvent: e => void received.push(e) });
        await bus.subscribe({ id: 'bad', topics: ['catalog.entities.changed'], onEvent: () => Promise.reject(new Error('boom')) });
        await bus.subscribe({ id: 'other', topics: ['other'], onEvent: () => { throw new Error('must not run'); } });
        await bus.publish({ topic: 'catalog.entities.changed', payload: { added: ['component:default/a'] } });
      }),
    ]);
    try {
      // published during init: delivered once every plugin has started, after publish returned
      await eventually(() => {
        expect(received).toEqual([{ topic: 'catalog.entities.changed', payload: { added: ['component:default/a'] } }]);
        expect(lines.map(l => l.message)).toContain("Subscriber 'bad' failed on topic 'catalog.entities.changed' (attempt 1); again in 100 ms: boom");
        expect(lines.map(l => l.message)).toContain("Subscriber 'bad' failed on topic 'catalog.entities.changed' 4 times in a row; passed over: boom");
      });
    } finally {
      await backend.stop();
    }
  });
});
