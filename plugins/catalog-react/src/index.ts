export * from './apis';
export * from './routes/entityRoute';
export * from './entity/EntityContext';
export * from './entity/EntityFilter';
export * from './entity/useEntityExtensions';
export * from './blueprints/EntityTabBlueprint';
export * from './blueprints/EntityCardBlueprint';
