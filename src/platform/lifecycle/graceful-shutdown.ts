import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ShutdownState } from './shutdown-state.js';

/** In-flight requests still running after this are cut off, so that the process can finish cleanly. */
const DRAIN_DEADLINE_MS = 15_000;
/** After the readiness delay, a shutdown that is still stuck past this gives up and exits non-zero. */
const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * The signal handler. Readiness fails at once; for `readinessDelayMs` requests are still served, so
 * that a load balancer probing readiness takes this instance out before it refuses anything (a
 * request it routed just before noticing would otherwise get a 503). Then new requests get a 503,
 * idle keep-alive connections close, in-flight requests finish (each response closing its
 * connection), the application's shutdown hooks close the pool, the database stops and the process
 * exits 0.
 */
export function gracefulShutdown(
  app: NestFastifyApplication,
  stopDatabase: () => Promise<void>,
  logger: LoggerService,
  readinessDelayMs: number,
) {
  let stopping = false;
  return async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const state = app.get(ShutdownState);
    state.withdraw();
    if (readinessDelayMs > 0) {
      logger.log(`${signal}: not ready; serving ${readinessDelayMs} ms more while load balancers stop routing here`);
      await sleep(readinessDelayMs);
    }
    logger.log(`${signal}: draining requests and shutting down`);
    setTimeout(() => {
      logger.error(`Shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    state.begin();
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
