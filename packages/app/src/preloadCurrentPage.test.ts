import { createFrontendPlugin, HomeCardBlueprint, PageBlueprint } from '@portico/frontend-plugin-api';
import { preloadCurrentPage } from './preloadCurrentPage';

describe('preloadCurrentPage', () => {
  it("loads the code of the page that matches the URL, and only that page's", async () => {
    const loaders = { list: jest.fn(async () => () => null), entity: jest.fn(async () => () => null) };
    const plugin = createFrontendPlugin({
      id: 'catalog',
      extensions: [
        PageBlueprint({ path: '/catalog', loader: loaders.list }),
        PageBlueprint({ name: 'entity', path: '/catalog/:namespace/:kind/:name', loader: loaders.entity }),
      ],
    });
    preloadCurrentPage([plugin], '/catalog/default/component/checkout/apis');
    await Promise.resolve();
    expect(loaders.entity).toHaveBeenCalledTimes(1);
    expect(loaders.list).not.toHaveBeenCalled();

    preloadCurrentPage([plugin], '/nowhere');
    preloadCurrentPage([plugin], '/catalog');
    preloadCurrentPage([plugin], '/catalog');
    await Promise.resolve();
    expect(loaders.list).toHaveBeenCalledTimes(1);
  });

  it("on / loads the default home page and its cards' code with it, not after the page has rendered", async () => {
    const loaders = { card: jest.fn(async () => () => null), list: jest.fn(async () => () => null), home: jest.fn(async () => ({})) };
    const plugin = createFrontendPlugin({
      id: 'catalog',
      extensions: [
        PageBlueprint({ path: '/catalog', loader: loaders.list }),
        HomeCardBlueprint({ name: 'mine', title: 'Mine', loader: loaders.card }),
      ],
    });
    preloadCurrentPage([plugin], '/catalog', loaders.home);
    await Promise.resolve();
    expect(loaders.home).not.toHaveBeenCalled();
    expect(loaders.card).not.toHaveBeenCalled();

    preloadCurrentPage([plugin], '/', loaders.home);
    await Promise.resolve();
    expect(loaders.home).toHaveBeenCalledTimes(1);
    expect(loaders.card).toHaveBeenCalledTimes(1);
  });

  it("leaves the home cards alone when a plugin's page is the home", async () => {
    const loaders = { card: jest.fn(async () => () => null), page: jest.fn(async () => () => null), home: jest.fn(async () => ({})) };
    const plugin = createFrontendPlugin({
      id: 'portal-home',
      extensions: [PageBlueprint({ path: '/', loader: loaders.page }), HomeCardBlueprint({ name: 'mine', title: 'Mine', loader: loaders.card })],
    });
    preloadCurrentPage([plugin], '/', loaders.home);
    await Promise.resolve();
    expect(loaders.page).toHaveBeenCalledTimes(1);
    expect(loaders.home).not.toHaveBeenCalled();
    expect(loaders.card).not.toHaveBeenCalled();
  });

  it('resolves once the code has arrived, and also when it failed to (rendering shows that error)', async () => {
    let arrive: () => void = () => undefined;
    const entity = jest.fn(() => new Promise<() => null>(resolve => (arrive = () => resolve(() => null))));
    const broken = jest.fn(async () => {
      throw new Error('chunk failed');
    });
    const plugin = createFrontendPlugin({
      id: 'catalog',
      extensions: [
        PageBlueprint({ name: 'entity', path: '/catalog/:namespace/:kind/:name', loader: entity }),
        PageBlueprint({ path: '/broken', loader: broken }),
      ],
    });
    let ready = false;
    const preloading = preloadCurrentPage([plugin], '/catalog/default/component/checkout').then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    arrive();
    await preloading;
    expect(ready).toBe(true);
    await expect(preloadCurrentPage([plugin], '/broken')).resolves.toBeUndefined();
    await expect(preloadCurrentPage([plugin], '/nowhere')).resolves.toBeUndefined();
  });
});
