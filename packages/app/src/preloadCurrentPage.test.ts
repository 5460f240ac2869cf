import { createFrontendPlugin, PageBlueprint } from '@portico/frontend-plugin-api';
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
});
