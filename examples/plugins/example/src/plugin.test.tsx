import { screen } from '@testing-library/react';
import type { Entity } from '@portico/catalog-model';
import { Suspense } from 'react';
import { EntityProvider, useEntity, useEntityCards } from '@portico/plugin-catalog-react';
import { renderInTestApp } from '@portico/app/testing';
import { exampleApiRef, type ExampleApi } from './api/ExampleApi';
import examplePlugin from './index';

const component: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'checkout' } };
const group: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' } };

function Cards() {
  const cards = useEntityCards(useEntity().entity);
  return (
    <Suspense fallback="loading">
      {cards.map(card => (
        <card.data.Component key={card.id} />
      ))}
    </Suspense>
  );
}

describe('examplePlugin', () => {
  it('contributes an api, a page, a nav item and a card', () => {
    expect(examplePlugin.extensions.map(e => e.id)).toEqual([
      'api:example/plugin.example.service',
      'page:example/example',
      'nav-item:example/example',
      'entity-card:example/things',
    ]);
  });

  it('shows its card, lazily loaded, on components only', async () => {
    const api: ExampleApi = { getGreeting: async () => 'Hello', listThings: async () => [], addThing: jest.fn() };
    const { unmount } = renderInTestApp(<EntityProvider entity={component}><Cards /></EntityProvider>, { plugins: [examplePlugin], apis: [[exampleApiRef, api]] });
    // the first dynamic import compiles MUI under jest, which can take seconds
    expect(await screen.findByText('Hello, checkout!', undefined, { timeout: 15000 })).toBeInTheDocument();
    unmount();
    renderInTestApp(<EntityProvider entity={group}><Cards /></EntityProvider>, { plugins: [examplePlugin], apis: [[exampleApiRef, api]] });
    expect(screen.queryByRole('region', { name: 'Example' })).not.toBeInTheDocument();
  });
});
