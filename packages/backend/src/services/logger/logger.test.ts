import { Writable } from 'node:stream';
import winston from 'winston';
import { ConfigReader } from '../config/ConfigReader';
import { WinstonLogger } from './WinstonLogger';
import { loggerServiceFactory, resolveLoggerOptions, rootLoggerServiceFactory } from './loggerServiceFactories';

function capture(format: 'json' | 'text', level: 'debug' | 'info' | 'warn' = 'debug', colors = true) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk).trimEnd());
      done();
    },
  });
  const logger = WinstonLogger.create({ format, level, colors, transports: [new winston.transports.Stream({ stream })] });
  return { logger, lines };
}

describe('logger', () => {
  it('writes JSON lines with the plugin id on every line of a plugin logger', async () => {
    const { logger, lines } = capture('json');
    const pluginLogger = await loggerServiceFactory.factory(
      { rootLogger: logger, pluginMetadata: { getId: () => 'catalog' } },
      undefined,
    );
    pluginLogger.info('hello', { count: 2 });
    pluginLogger.child({ task: 'refresh' }).warn('slow');
    const parsed = lines.map(l => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ level: 'info', message: 'hello', plugin: 'catalog', count: 2 });
    expect(parsed[1]).toMatchObject({ level: 'warn', message: 'slow', plugin: 'catalog', task: 'refresh' });
    expect(parsed[0].timestamp).toEqual(expect.any(String));
  });

  it('prints the message and stack of an error passed as meta', () => {
    const { logger, lines } = capture('json');
    logger.error('boom happened', new Error('disk full'));
    logger.warn('wrapped', { error: new TypeError('bad type'), id: 7 });
    const first = JSON.parse(lines[0]);
    expect(first.message).toBe('boom happened');
    expect(first.error.message).toBe('disk full');
    expect(first.error.stack).toContain('logger.test.ts');
    const second = JSON.parse(lines[1]);
    expect(second.error).toMatchObject({ name: 'TypeError', message: 'bad type' });
    expect(second.id).toBe(7);
  });

  it('writes readable text with the plugin, the fields and the stack', () => {
    const { logger, lines } = capture('text');
    logger.child({ plugin: 'scorecards' }).error('evaluation failed', { error: new Error('no facts'), entity: 'component:default/a' });
    // eslint-disable-next-line no-control-regex
    const text = lines.join('\n').replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/scorecards error evaluation failed/);
    expect(text).toContain('entity=component:default/a');
    expect(text).toContain('error="no facts"');
    expect(text).toContain('at ');
  });

  it('writes plain text without colour codes when colours are off', () => {
    const { logger, lines } = capture('text', 'debug', false);
    logger.info('plain', { a: 1 });
    expect(lines[0]).toMatch(/^\S+ backend info plain a=1$/);
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture('json', 'warn');
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });

  it('tells whether a level is written (logger level, transport levels, silence), without building skipped lines', () => {
    const { logger, lines } = capture('json', 'info');
    const write = jest.spyOn(logger.winston, 'debug');
    expect([logger.isLevelEnabled('error'), logger.isLevelEnabled('info'), logger.isLevelEnabled('debug')]).toEqual([true, true, false]);
    logger.debug('not built', { big: 'x' });
    expect(write).not.toHaveBeenCalled();
    const child = logger.child({ plugin: 'p' }) as WinstonLogger;
    logger.winston.level = 'debug';
    expect(child.isLevelEnabled('debug')).toBe(true);
    child.debug('now written');
    expect(lines.map(l => JSON.parse(l).message)).toEqual(['now written']);
    logger.winston.transports[0].level = 'warn';
    expect(logger.isLevelEnabled('info')).toBe(false);
    logger.winston.transports[0].level = undefined;
    logger.winston.silent = true;
    expect(logger.isLevelEnabled('error')).toBe(false);
    expect(WinstonLogger.create({ level: 'silent', transports: [] }).isLevelEnabled('error')).toBe(false);
  });

  it('takes the level from LOG_LEVEL, then backend.logging.level, and the format from NODE_ENV', () => {
    const config = new ConfigReader({ backend: { logging: { level: 'debug' } } });
    expect(resolveLoggerOptions(config, { NODE_ENV: 'production' })).toEqual({ level: 'debug', format: 'json' });
    expect(resolveLoggerOptions(config, { LOG_LEVEL: 'error' })).toEqual({ level: 'error', format: 'text' });
    expect(resolveLoggerOptions(undefined, { NODE_ENV: 'test' }).level).toBe('warn');
    expect(resolveLoggerOptions(undefined, {}).level).toBe('info');
    expect(resolveLoggerOptions(undefined, { LOG_LEVEL: 'silent' }).level).toBe('silent');
  });

  it('the root factory builds a logger from config', async () => {
    const logger = await rootLoggerServiceFactory.factory({ config: new ConfigReader({}) }, undefined);
    expect(logger).toBeInstanceOf(WinstonLogger);
  });
});
