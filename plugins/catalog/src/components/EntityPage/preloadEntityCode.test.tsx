import '../../__testUtils__/testTimeouts';
import { createFrontendPlugin } from '@portico/frontend-plugin-api';
import { renderInTestApp } from '@portico/app/testing';
import { screen, waitFor } from '@testing-library/react';
import { catalogApiRef, EntityCardBlueprint, EntityTabBlueprint } from '@portico/plugin-catalog-react';
import { catalogPlugin } from '../../plugin';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg } from '../../__testUtils__/fixtures';
import { EntityPage } from './EntityPage';

const Empty = () => null;

/** A catalog whose entity lookups wait until the test lets them answer. */
class SlowCatalogApi extends FakeCatalogApi {
  release!: () => void;
  private readonly gate = new Promise<void>(resolve => (this.release = resolve));
  override async getEntityByRef(...args: Parameters<FakeCatalogApi['getEntityByRef']>) {
    await this.gate;
    return super.getEntityByRef(...args);
  }
}

function extraPlugin() {
  const loaders = {
    overviewCard: jest.fn(async () => Empty),
    serviceOnlyCard: jest.fn(async () => Empty),
    groupCard: jest.fn(async () => Empty),
    docsTab: jest.fn(async () => Empty),
  };
  const plugin = createFrontendPlugin({
    id: 'preload-probe',
    extensions: [
      EntityCardBlueprint({ name: 'any', loader: loaders.overviewCard }),
      EntityCardBlueprint({ name: 'service', filter: { kind: 'Component', 'spec.type': 'service' }, loader: loaders.serviceOnlyCard }),
      EntityCardBlueprint({ name: 'group', filter: { kind: 'Group' }, loader: loaders.groupCard }),
      EntityTabBlueprint({ path: 'docs', title: 'Docs', loader: loaders.docsTab }),
    ],
  });
  return { plugin, loaders };
}

function render(api: FakeCatalogApi, route: string, plugin: ReturnType<typeof extraPlugin>['plugin']) {
  return renderInTestApp(<EntityPage />, {
    apis: [[catalogApiRef, api]],
    plugins: [catalogPlugin, plugin],
    path: '/catalog/:namespace/:kind/:name/*',
    route,
  });
}

describe('EntityPage code preloading', () => {
  it("loads the overview's cards for the URL's kind while the entity is still being fetched, not one after the other", async () => {
    const api = new SlowCatalogApi(exampleOrg());
    const { plugin, loaders } = extraPlugin();
    render(api, '/catalog/default/component/payments', plugin);
    expect(screen.getByRole('progressbar', { name: 'Loading entity' })).toBeInTheDocument();
    await waitFor(() => expect(loaders.overviewCard).toHaveBeenCalled());
    // the entity has not answered yet
    expect(screen.getByRole('progressbar', { name: 'Loading entity' })).toBeInTheDocument();
    // a card for groups, and another tab's code, are not what this URL shows
    expect(loaders.groupCard).not.toHaveBeenCalled();
    expect(loaders.docsTab).not.toHaveBeenCalled();
    // a filter on spec.type needs the entity: that card loads when it renders
    expect(loaders.serviceOnlyCard).not.toHaveBeenCalled();
    api.release();
    expect(await screen.findByRole('region', { name: 'About' })).toBeInTheDocument();
    await waitFor(() => expect(loaders.serviceOnlyCard).toHaveBeenCalled());
  });

  it('loads the code of the tab the URL names, without the overview cards', async () => {
    const api = new SlowCatalogApi(exampleOrg());
    const { plugin, loaders } = extraPlugin();
    render(api, '/catalog/default/component/payments/docs', plugin);
    await waitFor(() => expect(loaders.docsTab).toHaveBeenCalled());
    expect(loaders.overviewCard).not.toHaveBeenCalled();
    api.release();
    expect(await screen.findByRole('tab', { name: 'Docs', selected: true })).toBeInTheDocument();
  });

  it("shows the entity once the tab's code has arrived too, so the tab renders without a fallback", async () => {
    let arrive: () => void = () => undefined;
    const DocsTab = () => <p>the docs tab</p>;
    const docsTab = jest.fn(() => new Promise<typeof DocsTab>(resolve => (arrive = () => resolve(DocsTab))));
    const plugin = createFrontendPlugin({ id: 'slow-tab', extensions: [EntityTabBlueprint({ path: 'docs', title: 'Docs', loader: docsTab })] });
    render(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments/docs', plugin);
    await waitFor(() => expect(docsTab).toHaveBeenCalled());
    // the entity has answered (the fake answers at once), the tab's code has not
    expect(screen.getByRole('progressbar', { name: 'Loading entity' })).toBeInTheDocument();
    arrive();
    expect(await screen.findByText('the docs tab')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar', { name: 'Loading tab' })).not.toBeInTheDocument();
  });
});
