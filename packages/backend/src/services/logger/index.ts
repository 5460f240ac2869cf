export { WinstonLogger, createWinston, type LogLevel, type WinstonLoggerOptions } from './WinstonLogger';
export {
  rootLoggerServiceFactory,
  loggerServiceFactory,
  createRootLogger,
  resolveLoggerOptions,
} from './loggerServiceFactories';
