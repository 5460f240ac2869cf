#!/usr/bin/env node
// `portico` from the TypeScript sources (through bench/catalog/register.js), for benches that run the portal as
// users do (`portico start --config ...`) without a build: node bench/jira/portico.js start --config FILE ...
'use strict';
require('../catalog/register');

require('@portico/cli')
  .main(process.argv)
  .catch(error => {
    console.error(error && error.message ? error.message : error);
    process.exit(1);
  });
