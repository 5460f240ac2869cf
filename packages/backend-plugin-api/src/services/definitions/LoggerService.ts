export type LogMeta = Record<string, unknown>;

/** Structured logging. Plugin loggers carry `plugin: <id>` on every line. */
export interface LoggerService {
  error(message: string, meta?: LogMeta | Error): void;
  warn(message: string, meta?: LogMeta | Error): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  /** A logger that adds `meta` to every line. */
  child(meta: LogMeta): LoggerService;
}
