import type { CliIo } from '../portal/CliIo';
import { errorMessageOf, PortalClient } from '../portal/PortalClient';
import { portalAuth, type PortalOptions } from '../portal/portalTarget';
import { API_METHODS as METHODS } from './portalCommands';

export interface ApiOptions extends PortalOptions {
  /** The JSON body. */
  data?: string;
}

/**
 * `portico api <METHOD> <path>`: one call to the portal as the logged-in user (or PORTICO_TOKEN), like `gh api`.
 * The answer's body goes to stdout (JSON indented); a non-2xx answer also says why on stderr and exits 1.
 */
export async function api(io: CliIo, method: string, path: string, options: ApiOptions): Promise<number> {
  const verb = method.toUpperCase();
  if (!METHODS.includes(verb)) throw new Error(`Unknown method '${method}': one of ${METHODS.join(', ')}`);
  let body: unknown;
  if (options.data !== undefined) {
    try {
      body = JSON.parse(options.data);
    } catch (error) {
      throw new Error(`--data is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const auth = portalAuth(io, options);
  const answer = await new PortalClient(auth.url, io, auth.token).request(verb, path, body);
  if (answer.body !== undefined) {
    io.stdout.write(typeof answer.body === 'string' ? answer.body : `${JSON.stringify(answer.body, null, 2)}\n`);
  }
  if (answer.ok) return 0;
  io.stderr.write(`portico api: ${verb} ${path} answered ${answer.status}: ${errorMessageOf(answer)}\n`);
  return 1;
}
