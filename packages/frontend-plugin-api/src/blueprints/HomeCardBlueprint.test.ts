import { HomeCardBlueprint } from './HomeCardBlueprint';

describe('HomeCardBlueprint', () => {
  it('makes a home-card extension with order 100 and medium size unless told otherwise', () => {
    const card = HomeCardBlueprint({ name: 'my-things', title: 'My things', loader: async () => () => null });
    expect(card).toMatchObject({ kind: 'home-card', name: 'my-things', disabledByDefault: false, data: { title: 'My things', order: 100, size: 'medium' } });
    expect(typeof card.data.Component.preload).toBe('function');
    const large = HomeCardBlueprint({ name: 'wide', title: 'Wide', order: 5, size: 'large', disabled: true, loader: async () => () => null });
    expect(large).toMatchObject({ disabledByDefault: true, data: { order: 5, size: 'large' } });
  });

  it('refuses a card without a title or with a name that cannot be an id, naming it', () => {
    expect(() => HomeCardBlueprint({ name: 'untitled', title: ' ', loader: async () => () => null })).toThrow("Home card 'untitled' needs a title");
    expect(() => HomeCardBlueprint({ name: 'my things', title: 'My things', loader: async () => () => null })).toThrow(
      "Extension name 'my things' of kind 'home-card' must be letters, digits, '-', '_' or '.'",
    );
  });
});
