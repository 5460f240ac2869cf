import express from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin, type AuthService, type UserTokenService } from '@portico/backend-plugin-api';
import { eachDatabase } from '@portico/test-utils';
import { startTestHost } from '../../__testUtils__/testBackend';

const ADA = 'user:default/ada';

function probe(pluginId: string, captured: { auth?: AuthService; userTokens?: UserTokenService }) {
  return createBackendPlugin({
    pluginId,
    register: env =>
      env.registerInit({
        deps: { http: coreServices.httpRouter, httpAuth: coreServices.httpAuth, auth: coreServices.auth, userTokens: coreServices.userTokens },
        async init({ http, httpAuth, auth, userTokens }) {
          Object.assign(captured, { auth, userTokens });
          const router = express.Router();
          router.get('/whoami', async (req, res) => void res.json((await httpAuth.credentials(req)).principal));
          http.use(router);
        },
      }),
  });
}

describe('several instances on one database', () => {
  it('accept each other\'s user, service and personal access tokens, and a restarted instance still accepts old tokens', async () => {
    await eachDatabase(
      async db => {
        const config = { backend: { baseUrl: 'http://portal.test', database: db.config } };
        const a: { auth?: AuthService; userTokens?: UserTokenService } = {};
        const b: { auth?: AuthService; userTokens?: UserTokenService } = {};
        const hostA = await startTestHost(config, [probe('catalog', a), probe('scaffolder', {})]);
        let hostB = await startTestHost(config, [probe('catalog', {}), probe('scaffolder', b)]);
        try {
          const { token: userToken } = await a.userTokens!.issueUserToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA] });
          const fromB = await request(hostB.backend.server).get('/api/catalog/whoami').set('authorization', `Bearer ${userToken}`).expect(200);
          expect(fromB.body.userEntityRef).toBe(ADA);

          const own = await b.auth!.getOwnServiceCredentials();
          const { token: serviceToken } = await b.auth!.getPluginRequestToken({ onBehalfOf: own, targetPluginId: 'catalog' });
          const atA = await request(hostA.backend.server).get('/api/catalog/whoami').set('authorization', `Bearer ${serviceToken}`).expect(200);
          expect(atA.body).toEqual({ type: 'service', subject: 'plugin:scaffolder' });

          const pat = await b.userTokens!.createPersonalAccessToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'ci' });
          await request(hostA.backend.server).get('/api/scaffolder/whoami').set('authorization', `Bearer ${pat.token}`).expect(200);

          // B restarts with a new key; tokens its old key signed stay valid everywhere.
          const { token: beforeRestart } = await b.userTokens!.issueUserToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA] });
          await hostB.backend.stop();
          hostB = await startTestHost(config, [probe('catalog', {}), probe('scaffolder', b)]);
          await request(hostB.backend.server).get('/api/catalog/whoami').set('authorization', `Bearer ${beforeRestart}`).expect(200);
          await request(hostA.backend.server).get('/api/catalog/whoami').set('authorization', `Bearer ${beforeRestart}`).expect(200);
        } finally {
          await hostB.backend.stop();
          await hostA.backend.stop();
        }
      },
      { engines: ['pg'] },
    );
  });
});
