import { UrlDiscoveryApi } from './UrlDiscoveryApi';

describe('UrlDiscoveryApi', () => {
  it('puts plugins under /api/<pluginId>', async () => {
    await expect(new UrlDiscoveryApi('http://portal.example/').getBaseUrl('catalog')).resolves.toBe(
      'http://portal.example/api/catalog',
    );
  });
});
