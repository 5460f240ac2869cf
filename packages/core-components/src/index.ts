export * from './states';
export * from './useAsync';
