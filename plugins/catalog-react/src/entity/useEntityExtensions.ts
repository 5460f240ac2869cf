import { useMemo } from 'react';
import type { Entity } from '@portico/catalog-model';
import { useExtensions, type ExtensionOfKind } from '@portico/frontend-plugin-api';
import type { EntityCardExtensionData } from '../blueprints/EntityCardBlueprint';
import type { EntityTabExtensionData } from '../blueprints/EntityTabBlueprint';
import { entityMatchesFilter } from './EntityFilter';

declare module '@portico/frontend-plugin-api' {
  interface ExtensionDataByKind {
    'entity-tab': EntityTabExtensionData;
    'entity-card': EntityCardExtensionData;
  }
}

/** The entity tabs that apply to `entity`, in app order (for the entity page). */
export function useEntityTabs(entity: Entity): ExtensionOfKind<'entity-tab'>[] {
  const tabs = useExtensions('entity-tab');
  return useMemo(() => tabs.filter(ext => entityMatchesFilter(entity, ext.data.filter)), [tabs, entity]);
}

/** The entity cards that apply to `entity`, in app order (for the overview tab). */
export function useEntityCards(entity: Entity): ExtensionOfKind<'entity-card'>[] {
  const cards = useExtensions('entity-card');
  return useMemo(() => cards.filter(ext => entityMatchesFilter(entity, ext.data.filter)), [cards, entity]);
}
