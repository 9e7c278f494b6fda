import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { processInfo } from '../../src/platform/database/embedded/process-table.js';
import { startEmbeddedDatabase } from '../../src/platform/database/embedded-database.js';
import { freePort } from '../support/free-port.js';
import { startSlowPost, waitForStatus } from '../support/raw-http.js';
import { bearer, tokenFor } from '../support/tokens.js';

interface Instance {
  dir: string;
  httpPort: number;
  databasePort: number;
}

interface RunningServer {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything it printed, stdout and stderr together. */
  output(): string;
  url(path: string): string;
}

/** The built server with its own embedded PostgreSQL, as a newcomer runs it, under faults. */
describe('the embedded PostgreSQL of the built server', () => {
  const auth = bearer(tokenFor({ tenant: 'embedded-faults', sub: 'alice' }));
  const instances: Instance[] = [];
  const servers: RunningServer[] = [];

  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    for (const { dir } of instances) {
      const postmaster = await postmasterPid(dir);
      if (postmaster !== undefined && (await processInfo(postmaster))?.command === 'postgres') process.kill(postmaster, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  async function newInstance(name: string): Promise<Instance> {
    const instance = { dir: `.data/test-embedded-${name}-${process.pid}`, httpPort: await freePort(), databasePort: await freePort() };
    instances.push(instance);
    return instance;
  }

  function startServer(instance: Instance, options: { ownProcessGroup?: boolean } = {}): RunningServer {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        PORT: String(instance.httpPort),
        EMBEDDED_PG_DIR: instance.dir,
        EMBEDDED_PG_PORT: String(instance.databasePort),
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.ownProcessGroup ?? false,
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const server = {
      child,
      exited: once(child, 'exit').then(([code]) => code as number | null),
      output: () => output,
      url: (path: string) => `http://127.0.0.1:${instance.httpPort}${path}`,
    };
    servers.push(server);
    return server;
  }

  async function stopServer(server: RunningServer): Promise<number | null> {
    server.child.kill('SIGTERM');
    return server.exited;
  }

  async function createTask(server: RunningServer, prompt: string): Promise<string> {
    const created = await fetch(server.url('/api/tasks'), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: string }).id;
  }

  async function readTask(server: RunningServer, id: string): Promise<unknown> {
    const read = await fetch(server.url(`/api/tasks/${id}`), { headers: auth });
    expect(read.status).toBe(200);
    return read.json();
  }

  it('restarts PostgreSQL killed under the running server: readiness drops, comes back, and committed rows are kept', async () => {
    const instance = await newInstance('crash');
    const server = startServer(instance);
    await waitForStatus(server.url('/health/ready'), 200, 30_000);
    const id = await createTask(server, 'survive a database crash');
    const postmaster = await runningPostmaster(instance.dir);

    process.kill(postmaster, 'SIGKILL');
    await waitForStatus(server.url('/health/ready'), 503, 5_000);
    await waitForStatus(server.url('/health/ready'), 200, 10_000);

    expect(await readTask(server, id)).toMatchObject({ id, prompt: 'survive a database crash' });
    expect(await runningPostmaster(instance.dir)).not.toBe(postmaster);
    expect(server.output()).toContain(`PostgreSQL (pid ${postmaster}) was killed by SIGKILL unexpectedly`);
    expect(await stopServer(server)).toBe(0);
  }, 40_000);

  it('after a kill -9 of the server, stops the PostgreSQL it left running and starts again on the same rows', async () => {
    const instance = await newInstance('orphan');
    const killed = startServer(instance);
    await waitForStatus(killed.url('/health/ready'), 200, 30_000);
    const id = await createTask(killed, 'outlive a kill -9');
    const orphan = await runningPostmaster(instance.dir);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await processInfo(orphan)).toMatchObject({ command: 'postgres' });

    const server = startServer(instance);
    await waitForStatus(server.url('/health/ready'), 200, 30_000);
    expect(await readTask(server, id)).toMatchObject({ id, prompt: 'outlive a kill -9' });
    expect(await processInfo(orphan)).toBeUndefined();
    expect(server.output()).toContain(`PostgreSQL (pid ${orphan}) was left running on ${resolve(instance.dir)}`);
    expect(await stopServer(server)).toBe(0);
  }, 40_000);

  it('refuses a second server on the same data folder, naming the folder and the first server, and leaves the first serving', async () => {
    const instance = await newInstance('second');
    const first = startServer(instance);
    await waitForStatus(first.url('/health/ready'), 200, 30_000);
    const postmaster = await runningPostmaster(instance.dir);

    const secondPorts = { httpPort: await freePort(), databasePort: await freePort() };
    const startedAt = Date.now();
    const second = startServer({ ...instance, ...secondPorts });
    expect(await second.exited).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(second.output()).toContain(`${resolve(instance.dir)} is in use by a running server (pid ${first.child.pid})`);
    expect(second.output()).not.toMatch(/^undefined$/m);

    expect(await runningPostmaster(instance.dir)).toBe(postmaster);
    await waitForStatus(first.url('/health/ready'), 200, 1_000);
    expect(await stopServer(first)).toBe(0);
  }, 40_000);

  it('leaves no PostgreSQL behind after a SIGTERM', async () => {
    const instance = await newInstance('sigterm');
    const server = startServer(instance);
    await waitForStatus(server.url('/health/ready'), 200, 30_000);
    const postmaster = await runningPostmaster(instance.dir);

    expect(await stopServer(server)).toBe(0);
    expect(await processInfo(postmaster)).toBeUndefined();
    expect(existsSync(join(instance.dir, 'postmaster.pid'))).toBe(false);
  }, 40_000);

  it('keeps a Ctrl-C in a terminal away from PostgreSQL: requests in flight still reach it, and none is left after', async () => {
    const instance = await newInstance('ctrl-c');
    // A terminal's Ctrl-C signals its foreground process group: the server's own group here.
    const server = startServer(instance, { ownProcessGroup: true });
    await waitForStatus(server.url('/health/ready'), 200, 30_000);
    const postmaster = await runningPostmaster(instance.dir);

    const upload = startSlowPost(server.url('/api/tasks'), auth, { prompt: 'arrived before Ctrl-C' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(-server.child.pid!, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await upload.finish()).status).toBe(201);
    expect(await server.exited).toBe(0);
    expect(await processInfo(postmaster)).toBeUndefined();
  }, 40_000);

  it("says that the port is taken, with PostgreSQL's own words, when something else listens on it", async () => {
    const instance = await newInstance('port-taken');
    const squatter = createServer();
    await new Promise<void>((listening) => squatter.listen(instance.databasePort, '127.0.0.1', listening));
    try {
      await expect(startEmbeddedDatabase({ dir: instance.dir, port: instance.databasePort, database: 'tessera' })).rejects.toThrow(
        new RegExp(`Port ${instance.databasePort} is already in use by another program[\\s\\S]*Address already in use`),
      );
    } finally {
      squatter.close();
    }
  }, 20_000);
});

async function postmasterPid(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number.parseInt(text, 10);
}

/** The pid PostgreSQL recorded in its data folder, checked to be a running postmaster. */
async function runningPostmaster(dir: string): Promise<number> {
  const pid = await postmasterPid(dir);
  expect(pid !== undefined && (await processInfo(pid))?.command).toBe('postgres');
  return pid!;
}
