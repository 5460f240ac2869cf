import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@portico/catalog-model';
import { renderInTestApp } from '@portico/frontend-plugin-api/testing';
import { exampleApiRef } from '../api/ExampleApi';
import { ExampleEntityCard } from './ExampleEntityCard';
import { fakeExampleApi } from '../__testUtils__/fakeExampleApi';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', title: 'Checkout' },
  spec: { type: 'service' },
};

describe('ExampleEntityCard', () => {
  it("shows only this entity's greetings", async () => {
    const api = fakeExampleApi([
      { id: 2, name: 'checkout', message: 'Hello, checkout!', createdAt: '2026-11-27T09:00:00.000Z' },
      { id: 1, name: 'billing', message: 'Hello, billing!', createdAt: '2026-11-27T08:00:00.000Z' },
    ]);
    renderInTestApp(<ExampleEntityCard />, { entity, apis: [[exampleApiRef, api]] });
    const list = await screen.findByRole('list', { name: 'Greetings for checkout' });
    expect(list).toHaveTextContent('Hello, checkout!');
    expect(list).not.toHaveTextContent('billing');
    expect(screen.getByRole('region', { name: 'Example' })).toBeInTheDocument();
  });

  it('greets the entity from the card', async () => {
    const api = fakeExampleApi();
    renderInTestApp(<ExampleEntityCard />, { entity, apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('Nobody has greeted checkout yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Greet checkout' }));
    expect(await screen.findByRole('list', { name: 'Greetings for checkout' })).toHaveTextContent('Hello, checkout!');
  });
});
