export * from './PageBlueprint';
export * from './NavItemBlueprint';
export * from './ApiBlueprint';
export * from './HeaderSearchBlueprint';
export * from './HomeCardBlueprint';
