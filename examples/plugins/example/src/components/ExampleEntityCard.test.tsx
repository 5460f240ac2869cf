import { screen } from '@testing-library/react';
import type { Entity } from '@portico/catalog-model';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { renderInTestApp } from '@portico/app/testing';
import { exampleApiRef, type ExampleApi } from '../api/ExampleApi';
import { ExampleEntityCard } from './ExampleEntityCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', title: 'Checkout' },
  spec: { type: 'service' },
};

describe('ExampleEntityCard', () => {
  it("lists the entity's things, asking the backend with the entity ref", async () => {
    const listThings = jest.fn(async () => [{ id: '1', name: 'runbook' }]);
    const api: ExampleApi = { getGreeting: async () => 'Hi', listThings, addThing: jest.fn() };
    renderInTestApp(<EntityProvider entity={entity}><ExampleEntityCard /></EntityProvider>, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('Hi, Checkout!')).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Example things' })).toHaveTextContent('runbook');
    expect(screen.getByRole('region', { name: 'Example' })).toBeInTheDocument();
    expect(listThings).toHaveBeenCalledWith({ entityRef: 'component:default/checkout' });
  });

  it('says so when the entity has no things', async () => {
    const api: ExampleApi = { getGreeting: async () => 'Hi', listThings: async () => [], addThing: jest.fn() };
    renderInTestApp(<EntityProvider entity={entity}><ExampleEntityCard /></EntityProvider>, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('No example things for this entity.')).toBeInTheDocument();
  });
});
