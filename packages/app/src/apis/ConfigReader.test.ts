import { ConfigReader } from './ConfigReader';

describe('ConfigReader', () => {
  const config = new ConfigReader({ app: { title: 'Portico', port: 3000, extensions: [{ a: 1 }] } });

  it('reads dotted keys with types', () => {
    expect(config.getString('app.title')).toBe('Portico');
    expect(config.getOptionalNumber('app.port')).toBe(3000);
    expect(config.getOptionalString('app.missing')).toBeUndefined();
    expect(config.has('app.title')).toBe(true);
    expect(config.getOptionalConfigArray('app.extensions')?.[0].getOptionalNumber('a')).toBe(1);
  });

  it('fails with the key and the expectation', () => {
    expect(() => config.getString('app.missing')).toThrow("Missing required config value at 'app.missing'");
    expect(() => config.getOptionalBoolean('app.title')).toThrow("Config value at 'app.title' must be a boolean");
  });
});
