// The extension points live in @portico/plugin-scaffolder-node so modules in other packages can contribute
// without depending on this backend package.
export * from '@portico/plugin-scaffolder-node';
