import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ShutdownState } from './shutdown-state.js';

/** In-flight requests still running after this are cut off, so that the process can finish cleanly. */
const DRAIN_DEADLINE_MS = 15_000;
/** After this, a shutdown that is still stuck gives up and exits non-zero. */
const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * The signal handler: readiness fails and new requests get a 503 at once, idle keep-alive connections
 * close, in-flight requests finish (each response closing its connection), then the application's
 * shutdown hooks close the pool, the database stops and the process exits 0.
 */
export function gracefulShutdown(app: NestFastifyApplication, stopDatabase: () => Promise<void>, logger: LoggerService) {
  let stopping = false;
  return async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests and shutting down`);
    setTimeout(() => {
      logger.error(`Shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app.get(ShutdownState).begin();
    const server = app.getHttpServer();
    server.closeIdleConnections();
    const cutOff = setTimeout(() => {
      logger.warn(`Requests still in flight after ${DRAIN_DEADLINE_MS} ms; closing their connections`);
      server.closeAllConnections();
    }, DRAIN_DEADLINE_MS);
    try {
      await app.close();
      await stopDatabase();
    } catch (error) {
      logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    clearTimeout(cutOff);
    process.exit(0);
  };
}
