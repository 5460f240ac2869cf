import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@portico/frontend-plugin-api/testing';
import { exampleApiRef } from '../api/ExampleApi';
import { fakeExampleApi } from '../__testUtils__/fakeExampleApi';
import { ExamplePage } from './ExamplePage';

describe('ExamplePage', () => {
  it('lists the latest greetings', async () => {
    const api = fakeExampleApi([{ id: 1, name: 'Ada', message: 'Hello, Ada!', createdAt: '2026-11-27T09:00:00.000Z' }]);
    renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('Hello, Ada!')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Example', level: 1 })).toBeInTheDocument();
  });

  it('greets someone through the form and confirms with an alert', async () => {
    const api = fakeExampleApi();
    const { alertApi } = renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('No greetings yet.')).toBeInTheDocument();
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'Grace');
    await userEvent.click(screen.getByRole('button', { name: 'Greet' }));
    expect(await screen.findByRole('listitem')).toHaveTextContent('Hello, Grace!');
    expect(api.greetings.map(g => g.name)).toEqual(['Grace']);
    await waitFor(() => expect(alertApi.alerts).toEqual([expect.objectContaining({ message: 'Hello, Grace!' })]));
  });

  it('keeps the button off until a name is typed', async () => {
    renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, fakeExampleApi()]] });
    expect(await screen.findByRole('button', { name: 'Greet' })).toBeDisabled();
  });

  it('shows the backend error', async () => {
    const api = { ...fakeExampleApi(), listGreetings: async () => Promise.reject(new Error('example is down')) };
    renderInTestApp(<ExamplePage />, { apis: [[exampleApiRef, api]] });
    expect(await screen.findByText('example is down')).toBeInTheDocument();
  });
});
