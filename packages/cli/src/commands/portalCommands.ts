import type { Command } from 'commander';
import { processIo } from '../portal/CliIo';
import { DEFAULT_PORTAL_URL } from '../portal/defaultPortalUrl';
import type { PortalOptions } from '../portal/portalTarget';
import { runReportingErrors } from '../portal/runReportingErrors';
import type { ApiOptions } from './api';
import type { LoginOptions } from './login';

/** The methods `portico api` sends. */
export const API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * `portico login`, `logout`, `whoami` and `api`: the commands that talk to a running portal. Each loads its
 * implementation (and zod, which parses the portal's answers) when it runs: `portico start` never needs them.
 */
export function registerPortalCommands(program: Command): void {
  program
    .command('login')
    .description('Log in to a portal as yourself (approve a code in the browser); later commands act as you')
    .option('--url <url>', `the portal (default: PORTICO_URL, else ${DEFAULT_PORTAL_URL})`)
    .option('--open', 'open the approval page in a browser too')
    .action(async (options: LoginOptions) => {
      const { login } = require('./login') as typeof import('./login');
      process.exitCode = await runReportingErrors('login', () => login(processIo(), options));
    });
  program
    .command('logout')
    .description('Revoke the token of portico login and forget it')
    .option('--url <url>', 'the portal (default: PORTICO_URL, else the last one logged in to)')
    .action(async (options: PortalOptions) => {
      const { logout } = require('./logout') as typeof import('./logout');
      process.exitCode = await runReportingErrors('logout', () => logout(processIo(), options));
    });
  program
    .command('whoami')
    .description('Show the user the portal takes you for')
    .option('--url <url>', 'the portal (default: PORTICO_URL, else the last one logged in to)')
    .action(async (options: PortalOptions) => {
      const { whoami } = require('./whoami') as typeof import('./whoami');
      process.exitCode = await runReportingErrors('whoami', () => whoami(processIo(), options));
    });
  program
    .command('api')
    .description('Call the portal as yourself, e.g. portico api GET /api/catalog/entities?limit=5')
    .argument('<method>', API_METHODS.join(' | '))
    .argument('<path>', 'path on the portal, starting with /api/')
    .option('--data <json>', 'JSON request body')
    .option('--url <url>', 'the portal (default: PORTICO_URL, else the last one logged in to)')
    .action(async (method: string, path: string, options: ApiOptions) => {
      const { api } = require('./api') as typeof import('./api');
      process.exitCode = await runReportingErrors('api', () => api(processIo(), method, path, options));
    });
}
