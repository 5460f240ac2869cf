import type { Entity } from '@portico/catalog-model';
import { MockLogger } from '@portico/test-utils';
import type { ServiceMapping } from '../database/ServiceMappingStore';
import { SavedMappingProcessor } from './SavedMappingProcessor';

const component = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: {},
});
const mapping = (entityRef: string, serviceId: string, account = 'default', mappedAt = '2026-12-06T10:00:00.000Z'): ServiceMapping => ({ account, serviceId, entityRef, mappedBy: 'user:default/alice', mappedAt });

describe('SavedMappingProcessor', () => {
  it('adds the service (and a non-default account) to a mapped entity, the latest choice winning, and leaves the YAML\'s own service', async () => {
    const processor = new SavedMappingProcessor({
      readMappings: async () => [
        mapping('component:default/billing', 'PNEW', 'default', '2026-12-06T11:00:00.000Z'),
        mapping('component:default/billing', 'POLD'),
        mapping('component:default/eu-billing', 'PEU', 'eu'),
        mapping('component:default/payments', 'POTHER'),
      ],
      defaultAccountId: 'default',
      logger: new MockLogger(),
    });
    expect((await processor.preProcessEntity(component('Billing'))).metadata.annotations).toEqual({ 'pagerduty.com/service-id': 'PNEW', 'pagerduty.com/saved-mapping': 'true' });
    expect((await processor.preProcessEntity(component('eu-billing'))).metadata.annotations).toEqual({
      'pagerduty.com/service-id': 'PEU',
      'pagerduty.com/account': 'eu',
      'pagerduty.com/saved-mapping': 'true',
    });
    const own = component('payments', { 'pagerduty.com/integration-key': 'abc' });
    expect(await processor.preProcessEntity(own)).toBe(own);
    const plain = component('plain');
    expect(await processor.preProcessEntity(plain)).toBe(plain);
    // Not an entity yet: left for validation to report.
    const broken = { kind: 'Component' } as unknown as Entity;
    expect(await processor.preProcessEntity(broken)).toBe(broken);
  });

  it('waits a little for the pagerduty plugin, lets entities through when it stays away, and asks for their refresh once it answers', async () => {
    let up = false;
    let clock = 0;
    let readCount = 0;
    const recovered: string[][] = [];
    const logger = new MockLogger();
    const processor = new SavedMappingProcessor({
      readMappings: async () => {
        readCount++;
        if (!up) throw new Error('connect ECONNREFUSED');
        return [mapping('component:default/billing', 'PB1')];
      },
      defaultAccountId: 'default',
      logger,
      onRecovered: refs => void recovered.push(refs),
      firstReadWaitMs: 1000,
      now: () => clock,
      wait: async ms => void (clock += ms),
    });
    const billing = component('billing');
    expect(await processor.preProcessEntity(billing)).toBe(billing);
    expect(logger.lines.some(l => l.level === 'warn' && /entities are read without them/.test(l.message))).toBe(true);
    // The next entities do not ask again right away (one failing read per 30 s, however large the catalog).
    const readsSoFar = readCount;
    for (let i = 0; i < 100; i++) await processor.preProcessEntity(component(`other-${i}`));
    expect(readCount).toBe(readsSoFar);
    // It did wait for the plugin first: several tries within firstReadWaitMs.
    expect(readsSoFar).toBeGreaterThan(1);
    up = true;
    await processor.reload();
    expect(recovered).toEqual([['component:default/billing']]);
    expect((await processor.preProcessEntity(billing)).metadata.annotations).toMatchObject({ 'pagerduty.com/service-id': 'PB1' });
    // Down again later: the last mappings read are kept.
    up = false;
    clock += 10 * 60_000;
    expect((await processor.preProcessEntity(billing)).metadata.annotations).toMatchObject({ 'pagerduty.com/service-id': 'PB1' });
  });
});
