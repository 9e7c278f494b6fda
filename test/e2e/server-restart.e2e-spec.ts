import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { freePort } from '../support/free-port.js';
import { startSlowPost, waitForStatus } from '../support/raw-http.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** The built server as a newcomer runs it: its own embedded database, stopped and started again. */
describe('the server with its embedded database', () => {
  const dataDir = `.data/test-restart-${process.pid}`;
  let ports: { http: number; database: number };

  beforeAll(async () => {
    ports = { http: await freePort(), database: await freePort() };
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  function startServer(): ChildProcess {
    return spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        PORT: String(ports.http),
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(ports.database),
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }

  async function stopServer(server: ChildProcess): Promise<number | null> {
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    return code as number | null;
  }

  const url = (path: string) => `http://127.0.0.1:${ports.http}${path}`;
  const auth = bearer(tokenFor({ tenant: 'restart', sub: 'alice' }));

  it('drains in-flight requests on SIGTERM, stops its database, and keeps every row across a restart', async () => {
    let server = startServer();
    await waitForStatus(url('/health/ready'));
    const created = await fetch(url('/api/tasks'), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'survive a restart' }),
    });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string };

    // A request still arriving when SIGTERM comes is served before the process exits.
    const upload = startSlowPost(url('/api/tasks'), auth, { prompt: 'arrived during shutdown' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = stopServer(server);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const drained = await upload.finish();
    expect(drained.status).toBe(201);
    expect(await exited).toBe(0);
    await expect(canConnect(ports.database)).resolves.toBe(false);

    server = startServer();
    try {
      await waitForStatus(url('/health/ready'));
      const read = await fetch(url(`/api/tasks/${task.id}`), { headers: auth });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ id: task.id, prompt: 'survive a restart' });
      const drainedTask = await fetch(url(`/api/tasks/${JSON.parse(drained.body).id}`), { headers: auth });
      expect(drainedTask.status).toBe(200);
    } finally {
      expect(await stopServer(server)).toBe(0);
    }
  }, 60_000);
});

/** Whether anything still listens on the port (the embedded PostgreSQL should not, once stopped). */
async function canConnect(port: number): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port });
  return once(socket, 'connect').then(
    () => {
      socket.destroy();
      return true;
    },
    () => false,
  );
}
