export * from './EntityFilter';
export * from './EntityContext';
