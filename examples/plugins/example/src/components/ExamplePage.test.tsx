import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@portico/app/testing';
import { exampleApiRef, type ExampleApi, type ExampleThing } from '../api/ExampleApi';
import { ExamplePage } from './ExamplePage';

function fakeExampleApi(initial: ExampleThing[] = []): ExampleApi & { things: ExampleThing[] } {
  const things = [...initial];
  return {
    things,
    getGreeting: async () => 'Hello from the example backend',
    listThings: async () => [...things],
    addThing: async ({ name }) => {
      const thing = { id: String(things.length + 1), name };
      things.push(thing);
      return thing;
    },
  };
}

describe('ExamplePage', () => {
  it('shows the greeting and the stored things', async () => {
    renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, fakeExampleApi([{ id: '1', name: 'first thing' }])]] });
    expect(await screen.findByText('Hello from the example backend')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Example', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Things' })).toHaveTextContent('first thing');
  });

  it('adds a thing through the form and confirms with an alert', async () => {
    const api = fakeExampleApi();
    const { alertApi } = renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('No things yet.')).toBeInTheDocument();
    await userEvent.type(screen.getByRole('textbox', { name: /Thing name/ }), 'a new thing');
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByRole('listitem')).toHaveTextContent('a new thing');
    expect(api.things.map(t => t.name)).toEqual(['a new thing']);
    await waitFor(() => expect(alertApi.alerts).toEqual([expect.objectContaining({ message: 'Added a new thing' })]));
  });

  it('shows the backend error', async () => {
    const api = { ...fakeExampleApi(), getGreeting: async () => Promise.reject(new Error('example is down')) };
    renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('example is down')).toBeInTheDocument();
  });
});
