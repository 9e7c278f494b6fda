import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ChildOutput } from './child-output.js';
import { freePort } from './free-port.js';

export interface TesseraOptions {
  /**
   * Variables on top of the defaults below (and of this process's environment). At least
   * DATABASE_URL (the bouncer's runtimeUrl, or a database's) and, for maintenance jobs,
   * DATABASE_OWNER_URL (always direct).
   */
  env: Record<string, string>;
  /** How long to wait for /health/ready (default 90 s). */
  readyTimeoutMs?: number;
  /** Modules to preload with `node --import` (e.g. the tracing preload). */
  preload?: string[];
}

/** A built Tessera server (`node dist/src/main.js`) running as a child process. */
export interface TesseraInstance {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string;
  port: number;
  pid: number;
  /** What the server wrote to stderr so far (start-up failures, warnings, errors). */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Sends SIGTERM (a graceful shutdown: readiness fails, requests drain) and waits for the exit. */
  stop(): Promise<number | string>;
  /** SIGKILL, for cleanup after a failure; resolves once the process is gone. */
  kill(): Promise<void>;
}

// Generous: on a busy CI machine a cold start of the server takes tens of seconds.
const READY_TIMEOUT_MS = 90_000;

/**
 * Spawns the built server (the test commands build first) on a free port of 127.0.0.1, not
 * migrating at start (the deploy database comes migrated), logging warnings and errors only, and
 * resolves once GET /health/ready answers 200; rejects with the server's stderr if it exits or
 * stays unready.
 */
export async function startTessera(options: TesseraOptions): Promise<TesseraInstance> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.preload ?? []).flatMap((module) => ['--import', module]), 'dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DB_MIGRATE_ON_START: 'false',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr = new ChildOutput(child.stderr);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const origin = `http://127.0.0.1:${port}`;
  const instance: TesseraInstance = {
    origin,
    port,
    pid: child.pid as number,
    stderr: () => stderr.toString(),
    exited,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  const outcome = await Promise.race([
    waitForReady(origin, options.readyTimeoutMs ?? READY_TIMEOUT_MS),
    exited.then((code) => `exited (${code}) before it was ready`),
  ]);
  if (outcome !== undefined) {
    await instance.kill();
    throw new Error(`Tessera ${outcome}. Its stderr:\n${stderr}`);
  }
  return instance;
}

/** Undefined once /health/ready answers 200; why not when the time is up. */
async function waitForReady(origin: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const status = await fetch(`${origin}/health/ready`).then(
      async (response) => `${response.status} ${await response.text()}`,
      (error: Error) => error.message,
    );
    if (status.startsWith('200 ')) return undefined;
    last = status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return `was not ready within ${timeoutMs} ms (last: ${last})`;
}
