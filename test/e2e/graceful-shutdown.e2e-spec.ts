import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { freePort } from '../support/free-port.js';
import { Answer, startSlowPost, waitForStatus } from '../support/raw-http.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const auth = bearer(tokenFor({ tenant: 'shutdown', sub: 'alice' }));

/** The built server on a database of its own, stopped with SIGTERM while clients hold connections open. */
describe('shutdown', () => {
  let database: TestDatabase;
  let port: number;
  let server: ChildProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    server = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.runtimeUrl,
        DATABASE_OWNER_URL: database.ownerUrl,
        DB_MIGRATE_ON_START: 'false',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForStatus(`http://127.0.0.1:${port}/health/ready`);
  });
  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await database.drop();
  });

  it('exits 0 at once: idle keep-alive connections close, in-flight requests finish, later ones get a problem', async () => {
    const agent = new Agent({ keepAlive: true });
    expect((await send(agent, 'GET', '/api/tasks')).status).toBe(200);
    const [idleSocket] = Object.values(agent.freeSockets).flat();
    const idleClosed = once(idleSocket!, 'close');
    const upload = startSlowPost(`http://127.0.0.1:${port}/api/tasks`, auth, { prompt: 'in flight at SIGTERM' });
    // A request whose headers are still arriving when the signal comes.
    const late = connect({ host: '127.0.0.1', port });
    await once(late, 'connect');
    late.write('GET /api/tasks HTTP/1.1\r\nHost: localhost\r\n');
    await new Promise((resolve) => setTimeout(resolve, 200));

    const exited = once(server, 'exit');
    const signalledAt = Date.now();
    server.kill('SIGTERM');
    await idleClosed;
    expect(Date.now() - signalledAt).toBeLessThan(1_000);

    await new Promise((resolve) => setTimeout(resolve, 200));
    let lateAnswer = '';
    late.on('data', (chunk) => (lateAnswer += chunk));
    late.write(`Authorization: ${auth.Authorization}\r\n\r\n`);
    await once(late, 'close');
    expect(lateAnswer).toMatch(/^HTTP\/1\.1 503 /);
    expect(lateAnswer).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(lateAnswer).toMatch(/\r\nretry-after: 1\r\n/i);

    const drained = await upload.finish();
    expect(drained.status).toBe(201);
    expect(drained.headers.connection).toBe('close');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(3_000);
    agent.destroy();
  }, 30_000);

  function send(agent: Agent, method: string, path: string, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: auth }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
});
