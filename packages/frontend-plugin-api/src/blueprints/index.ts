export * from './PageBlueprint';
export * from './NavItemBlueprint';
export * from './EntityTabBlueprint';
export * from './EntityCardBlueprint';
export * from './ApiBlueprint';
export * from './HeaderSearchBlueprint';
