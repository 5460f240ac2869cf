/**
 * Typed errors. Throw these anywhere; the backend's error handler turns them into
 * `{ error: { name, message, details } }` with the status code named here.
 */
export interface SerializedError {
  name: string;
  message: string;
  details?: unknown;
}

export class PorticoError extends Error {
  /** The HTTP status this error maps to. */
  get statusCode(): number {
    return 500;
  }
  readonly details?: unknown;
  /**
   * Whether a server error's (5xx) message is written for the caller: the host then answers it instead of the
   * generic 'Service unavailable'. Only for messages that name no host, file, query or secret (a vendor refusing
   * the key, a webhook not configured); 4xx messages are always shown.
   */
  readonly expose: boolean;

  constructor(message: string, details?: unknown, options?: { cause?: unknown; expose?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = details;
    this.expose = options?.expose ?? false;
  }

  toJSON(): SerializedError {
    return { name: this.name, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

/** Bad input from a caller; the message names the field. 400. */
export class InputError extends PorticoError {
  override get statusCode(): number {
    return 400;
  }
}
/** The caller is not authenticated. 401. */
export class AuthenticationError extends PorticoError {
  override get statusCode(): number {
    return 401;
  }
}
/** The caller is authenticated but may not do this. 403. */
export class NotAllowedError extends PorticoError {
  override get statusCode(): number {
    return 403;
  }
}
/** The thing asked for does not exist. 404. */
export class NotFoundError extends PorticoError {
  override get statusCode(): number {
    return 404;
  }
}
/** The request conflicts with the current state (a duplicate, a stale version). 409. */
export class ConflictError extends PorticoError {
  override get statusCode(): number {
    return 409;
  }
}
/** The request body is larger than allowed. 413. */
export class PayloadTooLargeError extends PorticoError {
  override get statusCode(): number {
    return 413;
  }
}
/** The Host header names a host this server does not serve (DNS rebinding, a wrong proxy). 421. */
export class MisdirectedRequestError extends PorticoError {
  override get statusCode(): number {
    return 421;
  }
}
/** The caller sent too many requests in a while; retry later. 429. */
export class TooManyRequestsError extends PorticoError {
  override get statusCode(): number {
    return 429;
  }
}
/** The feature exists in the API but is not available in this installation. 501. */
export class NotImplementedError extends PorticoError {
  override get statusCode(): number {
    return 501;
  }
}
/** A dependency (database, remote API) is unavailable right now. 503. */
export class ServiceUnavailableError extends PorticoError {
  override get statusCode(): number {
    return 503;
  }
}
/** Invalid configuration; the message names the config path. */
export class ConfigError extends PorticoError {}

/** True for any Error-like value. */
export function isError(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as Error).message === 'string';
}

/** The status code for an error: typed errors carry theirs, anything else is a 500. */
export function statusCodeOf(error: unknown): number {
  if (error instanceof PorticoError) return error.statusCode;
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
}

/** An error received from another service over HTTP, rebuilt from its JSON body. */
export class ResponseError extends PorticoError {
  readonly response: { status: number; statusText?: string };
  readonly body?: SerializedError;

  constructor(message: string, response: { status: number; statusText?: string }, body?: SerializedError) {
    super(message, body?.details);
    this.response = response;
    this.body = body;
  }

  override get statusCode(): number {
    return this.response.status;
  }

  /** Builds the error from a fetch Response whose status is not ok. */
  static async fromResponse(response: { status: number; statusText?: string; text(): Promise<string> }): Promise<ResponseError> {
    const text = await response.text().catch(() => '');
    let body: SerializedError | undefined;
    try {
      const parsed = JSON.parse(text) as { error?: SerializedError };
      if (parsed && typeof parsed.error?.message === 'string') body = parsed.error;
    } catch {
      /* not JSON */
    }
    const message = body ? `${body.name}: ${body.message}` : `Request failed with ${response.status} ${response.statusText ?? ''}`.trim();
    return new ResponseError(message, { status: response.status, statusText: response.statusText }, body);
  }
}
