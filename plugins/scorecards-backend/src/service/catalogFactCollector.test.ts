import type { Entity } from '@portico/catalog-model';
import { catalogFactCollector } from './catalogFactCollector';

describe('the catalog fact collector', () => {
  it('derives facts from the entity', async () => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        description: 'Takes money',
        tags: ['java', 'pci'],
        annotations: { 'github.com/project-slug': 'acme/payments' },
        links: [{ url: 'https://wiki/runbook', type: 'Runbook' }, { url: 'https://grafana' }],
      },
      spec: { type: 'service', owner: 'team-a', system: 'billing', lifecycle: 'production' },
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/team-a' },
        { type: 'partOf', targetRef: 'system:default/billing' },
      ],
    };
    const [collected] = await catalogFactCollector.collect([entity], {});
    expect(collected).toEqual({
      entityRef: 'component:default/payments',
      facts: {
        'catalog.hasOwner': true,
        'catalog.hasDescription': true,
        'catalog.hasTags': true,
        'catalog.tagCount': 2,
        'catalog.hasSystem': true,
        'catalog.linkCount': 2,
        'catalog.hasRunbook': true,
        'catalog.lifecycle': 'production',
        'catalog.annotations': { 'github.com/project-slug': 'acme/payments' },
        'catalog.relationCount': 2,
      },
    });
    for (const [name, value] of Object.entries(collected.facts)) {
      expect(catalogFactCollector.facts[name].safeParse(value).success).toBe(true);
    }
  });

  it('reports what a bare entity lacks', async () => {
    const [collected] = await catalogFactCollector.collect([{ apiVersion: 'v1', kind: 'Component', metadata: { name: 'bare' } }], {});
    expect(collected.facts).toMatchObject({
      'catalog.hasOwner': false,
      'catalog.hasDescription': false,
      'catalog.hasTags': false,
      'catalog.tagCount': 0,
      'catalog.hasRunbook': false,
      'catalog.lifecycle': null,
      'catalog.relationCount': 0,
    });
  });
});
