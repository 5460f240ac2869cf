import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import {
  ApiBlueprint,
  createApiRef,
  createFrontendPlugin,
  HeaderSearchBlueprint,
  NavItemBlueprint,
  PageBlueprint,
  useApi,
  alertApiRef,
  type JsonValue,
} from '@portico/frontend-plugin-api';
import { App } from './App';
import { installFakeAuthBackend } from './__testUtils__/fakeAuthBackend';
import { THEME_STORAGE_KEY } from './theme/ThemeModeProvider';

const greetingApiRef = createApiRef<{ greeting: string }>({ id: 'plugin.greeter.greeting' });

function GreeterPage() {
  const { greeting } = useApi(greetingApiRef);
  const alerts = useApi(alertApiRef);
  return (
    <>
      <h1>Greeter</h1>
      <p>{greeting}</p>
      <button onClick={() => alerts.post({ message: 'Saved', severity: 'success' })}>Save</button>
    </>
  );
}

function makePlugins() {
  const greeter = createFrontendPlugin({
    id: 'greeter',
    extensions: [
      ApiBlueprint({ api: greetingApiRef, deps: {}, factory: () => ({ greeting: 'Hello from an api' }) }),
      PageBlueprint({ path: '/greeter', title: 'Greeter', loader: async () => GreeterPage }),
      NavItemBlueprint({ title: 'Greeter', path: '/greeter' }),
      HeaderSearchBlueprint({ loader: async () => () => <input aria-label="Search the catalog" /> }),
    ],
  });
  const docs = createFrontendPlugin({
    id: 'docs',
    extensions: [
      PageBlueprint({ path: '/docs', loader: async () => ({ default: () => <h1>Docs</h1> }) }),
      NavItemBlueprint({ title: 'Docs', path: '/docs' }),
    ],
  });
  return [greeter, docs];
}

async function sessionChecked() {
  await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Checking your session' })).not.toBeInTheDocument());
}

// act() lets the lazily loaded pages and extensions resolve before assertions
async function renderApp(options: { route?: string; config?: JsonValue } = {}) {
  let result!: ReturnType<typeof render>;
  await act(async () => {
    result = render(
      <MemoryRouter initialEntries={[options.route ?? '/']}>
        <App plugins={makePlugins()} config={options.config ?? { app: { title: 'Acme Portal' } }} />
      </MemoryRouter>,
    );
  });
  await sessionChecked();
  return result;
}

describe('App', () => {
  let backend: ReturnType<typeof installFakeAuthBackend>;
  beforeEach(() => {
    window.localStorage.clear();
    backend = installFakeAuthBackend({ user: { userEntityRef: 'user:default/jane', profile: { displayName: 'Jane Doe' } } });
  });
  afterEach(() => backend.restore());

  it('shows the title, the nav items and the default home page', async () => {
    await renderApp();
    expect(await screen.findByRole('heading', { name: 'Welcome, Jane Doe' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getAllByRole('link').map(link => link.textContent)).toEqual(['Home', 'Greeter', 'Docs']);
    expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
  });

  it('navigates to a lazily loaded plugin page that uses its own api', async () => {
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    await userEvent.click(within(nav).getByRole('link', { name: 'Greeter' }));
    expect(await screen.findByRole('heading', { name: 'Greeter', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('Hello from an api')).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Greeter' })).toHaveAttribute('aria-current', 'page');
  });

  it('renders the header search extension in the top bar', async () => {
    await renderApp();
    const search = screen.getByRole('search', { name: 'Site search' });
    expect(await within(search).findByRole('textbox', { name: 'Search the catalog' })).toBeInTheDocument();
  });

  it('applies app.extensions: disabled extensions vanish, listed ones come first', async () => {
    await renderApp({
      route: '/greeter',
      config: { app: { extensions: ['nav-item:docs/docs', { 'page:greeter/greeter': false }] } },
    });
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getAllByRole('link').map(link => link.textContent)).toEqual(['Home', 'Docs', 'Greeter']);
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });

  it('shows a 404 page with a way home for unknown URLs', async () => {
    await renderApp({ route: '/nowhere' });
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'Go home' }));
    expect(await screen.findByRole('heading', { name: 'Welcome, Jane Doe' })).toBeInTheDocument();
  });

  it('toggles between light and dark themes and remembers the choice', async () => {
    const { unmount } = await renderApp();
    await userEvent.click(screen.getByRole('button', { name: 'Switch to dark theme' }));
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    unmount();
    await renderApp();
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();
  });

  it('shows alerts posted by plugins', async () => {
    await renderApp({ route: '/greeter' });
    await userEvent.click(await screen.findByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Saved');
  });

  it('puts the navigation behind a menu button on narrow screens', async () => {
    const original = window.matchMedia;
    window.matchMedia = ((query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    })) as typeof window.matchMedia;
    try {
      await renderApp();
      expect(screen.queryByRole('navigation', { name: 'Main navigation' })).not.toBeInTheDocument();
      const menu = screen.getByRole('button', { name: 'Open navigation' });
      expect(menu).toHaveAttribute('aria-expanded', 'false');
      await userEvent.click(menu);
      const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
      await userEvent.click(within(nav).getByRole('link', { name: 'Docs' }));
      // jsdom runs no CSS transitions, so the closing drawer keeps the page aria-hidden: look past it. The
      // drawer closing re-renders the page, so a heading found a moment ago may be a replaced node: query afresh
      await waitFor(() => expect(screen.getByRole('heading', { name: 'Docs', hidden: true })).toBeInTheDocument());
      await waitFor(() =>
        expect(screen.getByRole('button', { name: 'Open navigation', hidden: true })).toHaveAttribute('aria-expanded', 'false'),
      );
    } finally {
      window.matchMedia = original;
    }
  });

  it('keeps the shell alive when a page crashes', async () => {
    const crashing = createFrontendPlugin({
      id: 'crash',
      extensions: [
        PageBlueprint({
          path: '/crash',
          title: 'Crashy',
          loader: async () => () => {
            throw new Error('boom');
          },
        }),
      ],
    });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
    await act(async () => {
      render(
        <MemoryRouter initialEntries={['/crash']}>
          <App plugins={[crashing]} config={{}} />
        </MemoryRouter>,
      );
    });
    await sessionChecked();
    expect(await screen.findByText('Crashy failed to load')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main navigation' })).toBeInTheDocument();
    spy.mockRestore();
  });
});
