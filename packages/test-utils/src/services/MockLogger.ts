import type { LoggerService, LogMeta } from '@portico/backend-plugin-api';

export interface MockLogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: LogMeta;
}

/** A logger that keeps every line in `lines` (shared with its children) for assertions. */
export class MockLogger implements LoggerService {
  constructor(
    readonly lines: MockLogLine[] = [],
    private readonly base: LogMeta = {},
    private readonly echo = process.env.PORTICO_TEST_LOG === '1',
  ) {}

  private log(level: MockLogLine['level'], message: string, meta?: LogMeta | Error) {
    const extra = meta instanceof Error ? { error: meta.message, stack: meta.stack } : meta;
    const line = { level, message, meta: { ...this.base, ...extra } };
    this.lines.push(line);
    if (this.echo) console.log(`[${level}] ${message}`, line.meta);
  }

  error(message: string, meta?: LogMeta | Error): void {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: LogMeta | Error): void {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: LogMeta): void {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: LogMeta): void {
    this.log('debug', message, meta);
  }
  child(meta: LogMeta): LoggerService {
    return new MockLogger(this.lines, { ...this.base, ...meta }, this.echo);
  }

  /** The messages logged at a level (or all), for short assertions. */
  messages(level?: MockLogLine['level']): string[] {
    return this.lines.filter(l => !level || l.level === level).map(l => l.message);
  }
}
