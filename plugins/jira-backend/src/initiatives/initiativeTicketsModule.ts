import { coreServices, createBackendModule } from '@portico/backend-plugin-api';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { scorecardsInitiativeActionsExtensionPoint } from '@portico/plugin-scorecards-node';
import { jiraClientsServiceRef } from '../clientsService';
import { jiraClientsTicketJira } from './jiraClientsTicketJira';
import { createJiraTicketAction } from './jiraTicketAction';

/**
 * `scorecards.initiativeActions`: the `jira.ticket` action, one Jira issue per entity below an initiative's target
 * in its owner's project (the owner group's `jira/project-key`). Owners are read from the catalog as the
 * scorecards plugin's own service identity; the entity's link in the ticket is made absolute with the portal's
 * effective base URL (discovery's external one) when the scorecards plugin hands it over relative.
 */
export const initiativeTicketsModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'jira-initiative-tickets',
  register(env) {
    env.registerInit({
      deps: {
        actions: scorecardsInitiativeActionsExtensionPoint,
        clients: jiraClientsServiceRef,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ actions, clients, catalog, auth, discovery }) {
        const readEntity = async (entityRef: string) => {
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
          return catalog.getEntityByRef(entityRef, token ? { token } : undefined);
        };
        // The portal's effective origin: backend.baseUrl, else http://localhost:<the port the host listens on>.
        const portalBaseUrl = async () => (await discovery.getExternalBaseUrl('catalog')).replace(/\/api\/catalog\/?$/, '');
        actions.addInitiativeAction(createJiraTicketAction({ jira: jiraClientsTicketJira(clients), readEntity, portalBaseUrl }));
      },
    });
  },
});
