// Plugins retry their own work on it (scorecards, scaffolder), so it lives where they can import it.
export { isDatabaseUnavailableError } from '@portico/backend-plugin-api';
