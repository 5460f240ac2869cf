import winston from 'winston';
import type { LogMeta, LoggerService } from '@portico/backend-plugin-api';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';

export interface WinstonLoggerOptions {
  level?: LogLevel;
  /** `json`: one JSON object per line (production); `text`: readable, colourised. */
  format?: 'json' | 'text';
  /** Colour the level in text output. Default: when stdout is a terminal and NO_COLOR is unset. */
  colors?: boolean;
  /** Extra transports (tests capture lines with a stream transport). */
  transports?: winston.transport[];
  meta?: LogMeta;
}

function serializeError(error: Error): Record<string, unknown> {
  const extra = error as Error & { code?: unknown; cause?: unknown };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
  };
}

/** Error values anywhere at the top level of meta become plain objects with message and stack. */
function normalizeMeta(meta: LogMeta | Error | undefined): LogMeta | undefined {
  if (meta === undefined) return undefined;
  if (meta instanceof Error) return { error: serializeError(meta) };
  let copy: LogMeta | undefined;
  for (const [key, value] of Object.entries(meta)) {
    if (value instanceof Error) {
      copy ??= { ...meta };
      copy[key] = serializeError(value);
    }
  }
  return copy ?? meta;
}

const textFormat = winston.format.printf(info => {
  const { timestamp, level, message, plugin, service, ...rest } = info as Record<string, unknown>;
  const source = plugin ? `${String(plugin)}` : service ? String(service) : 'backend';
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(rest)) {
    if (typeof key === 'symbol') continue;
    if (key === 'error' && value && typeof value === 'object' && 'stack' in value) {
      const err = value as { message?: string; stack?: string };
      fields.push(`error=${JSON.stringify(err.message)}`);
      if (err.stack) stack = `\n${err.stack}`;
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return `${String(timestamp)} ${source} ${level} ${String(message)}${fields.length ? ` ${fields.join(' ')}` : ''}${stack}`;
});

/** Builds the winston logger the root logger wraps. */
export function createWinston(options: WinstonLoggerOptions = {}): winston.Logger {
  const level = options.level ?? 'info';
  const format =
    options.format === 'json'
      ? winston.format.combine(winston.format.timestamp(), winston.format.json())
      : options.colors ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR)
        ? winston.format.combine(winston.format.timestamp(), winston.format.colorize(), textFormat)
        : winston.format.combine(winston.format.timestamp(), textFormat);
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format,
    defaultMeta: options.meta,
    transports: options.transports ?? [new winston.transports.Console()],
  });
}

/** A LoggerService over a winston logger. */
export class WinstonLogger implements LoggerService {
  static create(options: WinstonLoggerOptions = {}): WinstonLogger {
    return new WinstonLogger(createWinston(options));
  }

  constructor(private readonly winstonLogger: winston.Logger) {}

  error(message: string, meta?: LogMeta | Error): void {
    if (this.isLevelEnabled('error')) this.winstonLogger.error(message, normalizeMeta(meta));
  }

  warn(message: string, meta?: LogMeta | Error): void {
    if (this.isLevelEnabled('warn')) this.winstonLogger.warn(message, normalizeMeta(meta));
  }

  info(message: string, meta?: LogMeta): void {
    if (this.isLevelEnabled('info')) this.winstonLogger.info(message, normalizeMeta(meta));
  }

  debug(message: string, meta?: LogMeta): void {
    if (this.isLevelEnabled('debug')) this.winstonLogger.debug(message, normalizeMeta(meta));
  }

  /**
   * Whether a line at `level` would be written: false when the logger is silent or every transport's level
   * (or the logger's, for a transport without one) is below it. Read at call time, so a level changed at run
   * time (`logger.winston.level = 'debug'`) takes effect at once. Winston itself builds and formats (timestamp
   * included) every line before its transports drop it, so callers with costly lines should ask first.
   */
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return !this.winstonLogger.silent && this.winstonLogger.isLevelEnabled(level);
  }

  child(meta: LogMeta): LoggerService {
    return new WinstonLogger(this.winstonLogger.child(meta));
  }

  /** The underlying winston logger (for transports and levels). */
  get winston(): winston.Logger {
    return this.winstonLogger;
  }
}
