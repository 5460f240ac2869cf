export * from './apis';
