export * from './apis';
export * from './routes/entityRoute';
