/**
 * @portico/plugin-scaffolder: the scaffolder's web UI. Install `scaffolderPlugin` (the default export) in
 * the app; other plugins start and follow runs through `useApi(scaffolderApiRef)`.
 */
export { scaffolderPlugin, scaffolderPlugin as default } from './plugin';
export { scaffolderApiRef } from './api/ScaffolderApi';
export type {
  AnswerRequest,
  ListTasksRequest,
  ListTasksResponse,
  ScaffoldRequest,
  ScaffolderApi,
  StreamEventsOptions,
} from './api/ScaffolderApi';
export { ScaffolderClient } from './api/ScaffolderClient';
// Pages are not exported: they reach the app only through the plugin's lazy extensions, so that the
// form library stays in their chunks.
