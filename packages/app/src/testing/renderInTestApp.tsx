import { Suspense, type ReactElement, type ReactNode } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import {
  alertApiRef,
  ApiProvider,
  ApiResolver,
  configApiRef,
  discoveryApiRef,
  errorApiRef,
  ExtensionRegistryProvider,
  fetchApiRef,
  identityApiRef,
  permissionApiRef,
  type ApiRef,
  type FrontendPlugin,
  type JsonValue,
} from '@portico/frontend-plugin-api';
import { DefaultFetchApi } from '../apis/DefaultFetchApi';
import { ExtensionRegistry } from '../extensions/ExtensionRegistry';
import { mockApis, type MockAlertApi, type MockErrorApi } from './mockApis';

/** A pair of an api ref and the implementation to use for it in a test. */
export type TestApiPair<T = unknown> = readonly [ApiRef<T>, T];

export interface RenderInTestAppOptions {
  /** API implementations, e.g. `[[catalogApiRef, fakeCatalog]]`; they override the mock core APIs. */
  apis?: ReadonlyArray<TestApiPair>;
  /** The URL the test starts at. Default: `/`. */
  route?: string;
  /** Mount the element at this route pattern (so `useParams` works), e.g. `/catalog/:namespace/:kind/:name/*`. */
  path?: string;
  /** Extra routes next to the element, e.g. `{ '/catalog/:namespace/:kind/:name': <div>Entity page</div> }`. */
  routes?: Record<string, ReactNode>;
  /** Plugins whose extensions go in the registry (for `useExtensions`, ...); their ApiBlueprints are installed too. */
  plugins?: ReadonlyArray<FrontendPlugin>;
  /** app-config `app.extensions`, applied to `plugins`. */
  extensionsConfig?: ReadonlyArray<unknown>;
  /** Frontend config served as configApi. */
  config?: { [key: string]: JsonValue };
}

export interface TestAppResult extends RenderResult {
  alertApi: MockAlertApi;
  errorApi: MockErrorApi;
}

/**
 * Renders `element` the way the app would: inside a router, an ApiProvider with mock core APIs
 * (config, discovery at `http://localhost/api/<id>`, fetch = global fetch, recording alert/error
 * APIs, the guest as the signed-in user, every permission allowed) and the extension registry. Wrap the element in `EntityProvider` (from
 * `@portico/plugin-catalog-react`) to render it for an entity, as the entity page does.
 * @example
 * renderInTestApp(<EntityProvider entity={entity}><EntityAboutCard /></EntityProvider>, { apis: [[catalogApiRef, fakeCatalogApi]] });
 * expect(await screen.findByRole('link', { name: 'team-a' })).toHaveAttribute('href', '/catalog/default/group/team-a');
 */
export function renderInTestApp(element: ReactElement, options: RenderInTestAppOptions = {}): TestAppResult {
  const alertApi = mockApis.alert();
  const errorApi = mockApis.error();
  const fetchApi = new DefaultFetchApi();
  const registry = ExtensionRegistry.create({
    plugins: options.plugins ?? [],
    extensionsConfig: options.extensionsConfig,
  });
  const apis = new ApiResolver(registry.apiFactories(), [
    [configApiRef, mockApis.config(options.config)],
    [discoveryApiRef, mockApis.discovery()],
    [fetchApiRef, fetchApi],
    [alertApiRef, alertApi],
    [errorApiRef, errorApi],
    [identityApiRef, mockApis.identity()],
    [permissionApiRef, mockApis.permission()],
    ...(options.apis ?? []),
  ]);
  const result = render(
    <ApiProvider apis={apis}>
      <ExtensionRegistryProvider registry={registry}>
        <MemoryRouter initialEntries={[options.route ?? '/']}>
          <Suspense fallback={<div role="progressbar" aria-label="Loading" />}>
            <Routes>
              <Route path={options.path ?? '*'} element={element} />
              {Object.entries(options.routes ?? {}).map(([path, node]) => (
                <Route key={path} path={path} element={node} />
              ))}
            </Routes>
          </Suspense>
        </MemoryRouter>
      </ExtensionRegistryProvider>
    </ApiProvider>,
  );
  return Object.assign(result, { alertApi, errorApi });
}
