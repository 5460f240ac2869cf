import type { CliIo } from './CliIo';

/** A portal's answer: status and body (parsed JSON, or the text when it is not JSON). */
export interface PortalAnswer {
  status: number;
  ok: boolean;
  body: unknown;
  contentType: string;
}

/** The message of the portal's error body (`{ error: { message } }`, or RFC 6749's `{ error, error_description }`). */
export function errorMessageOf(answer: PortalAnswer): string {
  const body = answer.body as { error?: unknown; error_description?: unknown } | undefined;
  if (body && typeof body.error === 'object' && body.error && typeof (body.error as { message?: unknown }).message === 'string') {
    return (body.error as { message: string }).message;
  }
  if (body && typeof body.error_description === 'string') return body.error_description;
  if (typeof answer.body === 'string' && answer.body) return answer.body.slice(0, 200);
  return `HTTP ${answer.status}`;
}

/**
 * Calls one portal: `path` is resolved against its URL and must stay on its origin, so that the token is never
 * sent anywhere else.
 */
export class PortalClient {
  constructor(
    readonly url: string,
    private readonly io: Pick<CliIo, 'fetch'>,
    private readonly token?: string,
  ) {}

  resolve(path: string): URL {
    if (!path.startsWith('/') || path.startsWith('//')) throw new Error(`The path must start with a single /: '${path}' (e.g. /api/catalog/entities)`);
    const target = new URL(`${this.url}${path}`);
    if (target.origin !== new URL(this.url).origin) throw new Error(`'${path}' leaves ${this.url}`);
    return target;
  }

  async request(method: string, path: string, body?: unknown): Promise<PortalAnswer> {
    const target = this.resolve(path);
    let response: Response;
    try {
      response = await this.io.fetch(target, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`Cannot reach ${this.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
    }
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    let parsed: unknown = text;
    if (contentType.includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, ok: response.ok, body: text ? parsed : undefined, contentType };
  }
}
