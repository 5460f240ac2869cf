import type { Entity } from '../entity/Entity';
import { isComponentEntity, isGroupEntity, isTemplateEntity } from './entityTypes';

describe('typed entity guards', () => {
  const component: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'component',
    metadata: { name: 'a' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a', providesApis: ['x'] },
  };

  it('narrows by kind, case-insensitively, giving typed spec fields', () => {
    expect(isComponentEntity(component)).toBe(true);
    expect(isGroupEntity(component)).toBe(false);
    if (isComponentEntity(component)) {
      const owner: string = component.spec.owner;
      const apis: string[] | undefined = component.spec.providesApis;
      expect([owner, apis]).toEqual(['team-a', ['x']]);
    }
    expect(isTemplateEntity({ ...component, kind: 'Template' })).toBe(true);
  });
});
