import { screen, within } from '@testing-library/react';
import { createFrontendPlugin, HomeCardBlueprint, identityApiRef, NavItemBlueprint } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '../testing';
import { HomePage } from './HomePage';

function Broken(): never {
  throw new Error('the backend said no');
}

const plugins = [
  createFrontendPlugin({
    id: 'alpha',
    extensions: [
      HomeCardBlueprint({ name: 'late', title: 'Late card', order: 30, loader: async () => () => <p>late body</p> }),
      HomeCardBlueprint({ name: 'broken', title: 'Broken card', order: 20, loader: async () => Broken }),
      NavItemBlueprint({ title: 'Alpha', path: '/alpha' }),
    ],
  }),
  createFrontendPlugin({
    id: 'beta',
    extensions: [HomeCardBlueprint({ name: 'early', title: 'Early card', order: 10, loader: async () => () => <p>early body</p> })],
  }),
];

describe('HomePage', () => {
  it('greets the signed-in user by the display name of their profile', async () => {
    renderInTestApp(<HomePage />, {
      apis: [[identityApiRef, mockApis.identity({ userEntityRef: 'user:default/jane', profile: { displayName: 'Jane Doe' } })]],
      config: { app: { title: 'Acme Portal' } },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Welcome, Jane Doe' })).toBeInTheDocument();
  });

  it('greets by the user name when the profile has no display name', async () => {
    renderInTestApp(<HomePage />, { apis: [[identityApiRef, mockApis.identity({ userEntityRef: 'user:default/jane' })]] });
    expect(await screen.findByRole('heading', { level: 1, name: 'Welcome, jane' })).toBeInTheDocument();
  });

  it('shows the home cards by their order, then the section links', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    renderInTestApp(<HomePage />, { plugins });
    expect(await screen.findByText('early body')).toBeInTheDocument();
    expect(await screen.findByText('late body')).toBeInTheDocument();
    const headings = screen.getAllByRole('heading', { level: 2 }).map(h => h.textContent);
    expect(headings).toEqual(['Early card', 'Broken card', 'Late card', 'Sections']);
    const sections = screen.getByRole('list', { name: 'Sections' });
    expect(within(sections).getByRole('link', { name: /Alpha/ })).toHaveAttribute('href', '/alpha');
    error.mockRestore();
  });

  it('keeps the other cards when one card fails, and says which failed', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    renderInTestApp(<HomePage />, { plugins });
    const broken = screen.getByRole('region', { name: 'Broken card' });
    expect(await within(broken).findByText('Broken card failed to load')).toBeInTheDocument();
    expect(within(broken).getByText('the backend said no')).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Early card' })).getByText('early body')).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Late card' })).getByText('late body')).toBeInTheDocument();
    error.mockRestore();
  });
});
