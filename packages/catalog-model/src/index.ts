export * from './entity/Entity';
