import type { Entity } from '@portico/catalog-model';
import type { ExtensionOfKind } from '@portico/frontend-plugin-api';
import { entityMatchesFilter } from '@portico/plugin-catalog-react';

/**
 * Starts loading the code of the tab the URL shows (and, on the overview, of its cards) while the entity itself
 * is still being fetched, so the page does not wait for the entity, then for the code, one after the other.
 * Only the kind is known before the entity arrives: extensions whose filter needs more (a spec.type, a
 * predicate) load when they render, as before. Resolves when that code has arrived or failed to (never rejects):
 * the page shows the entity once both are there, so the tab and its cards render at once rather than suspending
 * on their code (React holds a suspended part's reveal until 300 ms after its fallback showed).
 */
export function preloadEntityCode(options: {
  kind: string;
  namespace: string;
  name: string;
  /** The path after the entity's route: '' for the overview, 'apis' for the APIs tab. */
  tabPath: string;
  tabs: ReadonlyArray<ExtensionOfKind<'entity-tab'>>;
  cards: ReadonlyArray<ExtensionOfKind<'entity-card'>>;
}): Promise<void> {
  const probe: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: options.kind, metadata: { name: options.name, namespace: options.namespace } };
  const applies = (filter: Parameters<typeof entityMatchesFilter>[1]) => {
    try {
      return entityMatchesFilter(probe, filter);
    } catch {
      // a predicate that needs the whole entity: it loads on render
      return false;
    }
  };
  const matching = options.tabs.filter(tab => applies(tab.data.filter));
  const tab = matching.find(t => t.data.path === options.tabPath) ?? matching.find(t => options.tabPath.startsWith(`${t.data.path}/`));
  const components = tab ? [tab.data.Component] : [];
  if (tab && tab.data.path === '') components.push(...options.cards.filter(card => applies(card.data.filter)).map(card => card.data.Component));
  return Promise.all(
    components.map(component =>
      component.preload().catch(() => {
        // rendering loads it again and shows the error there
      }),
    ),
  ).then(() => undefined);
}
