// A backend plugin for the benchmark: every plugin route is behind default deny, and the shared driver sends no
// credentials, so requests to /api without an Authorization header get the run's external access token here,
// before any plugin's router (the measured path includes the token check). server.js adds it; `run.js --portal`
// lists this file in backend.plugins (a path resolves like a package name) with the token in
// backend.auth.externalAccess and PORTICO_BENCH_TOKEN in the environment.
'use strict';
const { coreServices, createBackendPlugin } = require('@portico/backend-plugin-api');

function benchCredentials(token) {
  return createBackendPlugin({
    pluginId: 'bench-credentials',
    register: env =>
      env.registerInit({
        deps: { rootHttpRouter: coreServices.rootHttpRouter },
        async init({ rootHttpRouter }) {
          rootHttpRouter.use('/api', (req, _res, next) => {
            req.headers.authorization ??= `Bearer ${token}`;
            next();
          });
        },
      }),
  });
}

module.exports = { benchCredentials };
// As a `backend.plugins` entry: the token comes from the environment the benchmark starts the portal with.
if (process.env.PORTICO_BENCH_TOKEN) module.exports.default = benchCredentials(process.env.PORTICO_BENCH_TOKEN);
