import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { ChildOutput } from '../../support/child-output.js';
import { freePort } from '../../support/free-port.js';
import { findSystemBinary } from './system-binary.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

/** A redis-server of a test's own, in memory only; it can be stopped and started again on the same port. */
export interface RedisServer {
  /** RATE_LIMIT_REDIS_URL for Tessera. */
  url: string;
  /** A client of the test's own, to look at what Tessera wrote. */
  client(): Redis;
  /** Ends the server (SIGKILL: as a crash, nothing saved); `start()` brings an empty one back. */
  kill(): Promise<void>;
  /** Starts it again after kill(), on the same port. */
  start(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) it: connections stay open and go unanswered. */
  freeze(): void;
  thaw(): void;
  /** Ends the server and the test's clients. */
  stop(): Promise<void>;
}

/** Starts Debian's redis-server (found in PATH, then the system directories) on a free port of 127.0.0.1, saving nothing to disk. */
export async function startRedis(): Promise<RedisServer> {
  const binary = await findSystemBinary('redis-server');
  const port = await freePort();
  const url = `redis://${HOST}:${port}`;
  const clients: Redis[] = [];
  let child: ChildProcess | undefined;

  const start = async () => {
    const server = spawn(binary, ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = new ChildOutput(server.stdout);
    child = server;
    await waitUntilServing(url, server).catch((error: Error) => {
      server.kill('SIGKILL');
      throw new Error(`redis-server did not start: ${error.message}. Its output:\n${output}`);
    });
  };
  const kill = async () => {
    const server = child;
    child = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url,
    client: () => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      // The server may be killed on purpose: its client's reconnection errors are expected.
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    kill,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    stop: async () => {
      for (const client of clients) client.disconnect();
      child?.kill('SIGCONT');
      await kill();
    },
  };
}

async function waitUntilServing(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`it exited (${server.exitCode ?? server.signalCode})`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.disconnect();
    }
  }
}
