import { coreServices, createBackendModule } from '@portico/backend-plugin-api';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { scorecardsInitiativeActionsExtensionPoint } from '@portico/plugin-scorecards-node';
import { jiraClientsServiceRef } from '../clientsService';
import { jiraClientsTicketJira } from './jiraClientsTicketJira';
import { createJiraTicketAction } from './jiraTicketAction';

/**
 * `scorecards.initiativeActions`: the `jira.ticket` action, one Jira issue per entity below an initiative's target
 * in its owner's project (the owner group's `jira/project-key`). Owners are read from the catalog as the
 * scorecards plugin's own service identity.
 */
export const initiativeTicketsModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'jira-initiative-tickets',
  register(env) {
    env.registerInit({
      deps: { actions: scorecardsInitiativeActionsExtensionPoint, clients: jiraClientsServiceRef, catalog: catalogServiceRef, auth: coreServices.auth },
      async init({ actions, clients, catalog, auth }) {
        const readEntity = async (entityRef: string) => {
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
          return catalog.getEntityByRef(entityRef, token ? { token } : undefined);
        };
        actions.addInitiativeAction(createJiraTicketAction({ jira: jiraClientsTicketJira(clients), readEntity }));
      },
    });
  },
});
