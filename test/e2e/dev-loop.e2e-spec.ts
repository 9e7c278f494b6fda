import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/environment.js';
import { freePort } from '../support/free-port.js';
import { waitForStatus } from '../support/raw-http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const ROOT = resolve('.');
const SERVER = join(ROOT, 'dist/src/main.js');
const SWC_REGISTER = join(ROOT, 'scripts/swc-register.mjs');
const LOAD_ENV_FILE = join(ROOT, 'scripts/load-env-file.mjs');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A process as a developer starts it: NODE_ENV=development (not jest's test), the given variables on top. */
function start(args: string[], env: Record<string, string>, cwd = ROOT): ChildProcess & { output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return Object.assign(child, { output });
}

async function run(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Finished & { ms: number }> {
  const began = Date.now();
  const child = start(args, env, cwd);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, ...child.output, ms: Date.now() - began };
}

async function waitForOutput(child: { output: { stdout: string } }, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = child.output.stdout.match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${child.output.stdout.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  return code as number | null;
}

/** One clear line on stderr, naming the variable, no stack; exit 1. */
function expectOneLineNaming(finished: Finished, variable: string): void {
  expect(finished.code).toBe(1);
  const lines = finished.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^Tessera cannot start: .*\\b${variable}\\b`));
  expect(finished.stderr).not.toMatch(/^\s+at /m);
}

describe('start-up errors', () => {
  it('names DATABASE_URL in one line when it is not a URL', async () => {
    expectOneLineNaming(await run([SERVER], { DATABASE_URL: 'notaurl' }), 'DATABASE_URL');
  });

  it('names an invalid variable in one line', async () => {
    const finished = await run([SERVER], { PORT: 'eighty' });
    expectOneLineNaming(finished, 'PORT');
  });

  it('names DATABASE_URL, without its password, when the database cannot be reached', async () => {
    const port = await freePort();
    const finished = await run([SERVER], {
      DATABASE_URL: `postgres://tessera_app:s3cret@127.0.0.1:${port}/tessera`,
      DB_MIGRATE_ON_START: 'false',
      DB_CONNECT_TIMEOUT_MS: '1000',
    });
    expectOneLineNaming(finished, 'DATABASE_URL');
    expect(finished.stderr).toContain(`postgres://tessera_app:***@127.0.0.1:${port}/tessera`);
    expect(finished.stderr + finished.stdout).not.toContain('s3cret');
  });

  it('refuses a port in use at once, naming PORT, before the embedded database starts', async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    const dataDir = join(tmpdir(), `tessera-port-check-${process.pid}`);
    try {
      const finished = await run([SERVER], { PORT: String(port), EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
      expectOneLineNaming(finished, 'PORT');
      expect(finished.stderr).toContain(`PORT ${port} is already in use`);
      expect(existsSync(dataDir)).toBe(false); // PostgreSQL was never initialised
      expect(finished.ms).toBeLessThan(15_000); // the process loads its modules and stops: no database boot, no migrations
    } finally {
      busy.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('.env', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tessera-dotenv-'));
    await writeFile(join(folder, '.env'), 'PORT=not-a-port\nJWT_SECRET=a-secret-from-the-dotenv-file-0123456789\n');
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('is read by the server at start, and the environment wins over it', async () => {
    expectOneLineNaming(await run([SERVER], {}, folder), 'PORT');
    // PORT from the environment: the file's broken PORT is not used, so the next problem is reported.
    expectOneLineNaming(await run([SERVER], { PORT: String(await freePort()), DATABASE_URL: 'notaurl' }, folder), 'DATABASE_URL');
  });

  it('is read by npm run token, which runs from source without a build', async () => {
    const args = [
      '--import',
      LOAD_ENV_FILE,
      '--import',
      SWC_REGISTER,
      join(ROOT, 'scripts/token.ts'),
      '--tenant',
      'acme',
      '--sub',
      'alice',
    ];
    const broken = await run(args, {}, folder);
    expect(broken).toMatchObject({ code: 1, stdout: '' });
    expect(broken.stderr.trim()).toMatch(/^Invalid environment: PORT [^\n]*$/);
    const finished = await run(args, { PORT: '3000' }, folder);
    expect(finished.stderr).toBe('');
    const claims = jwt.verify(finished.stdout.trim(), 'a-secret-from-the-dotenv-file-0123456789') as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'alice', tenant_id: 'acme' });
  });
});

describe('the running server', () => {
  let database: TestDatabase;
  let server: ReturnType<typeof start>;
  let port: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    server = start([SERVER], { DATABASE_URL: database.runtimeUrl, DB_MIGRATE_ON_START: 'false', PORT: String(port), LOG_LEVEL: 'debug' });
    await waitForStatus(`http://127.0.0.1:${port}/health/ready`);
  });
  afterAll(async () => {
    await stop(server);
    await database.drop();
  });

  it('says where the API, the docs and a token are once ready (JSON logs when stdout is not a terminal)', async () => {
    const [line] = await waitForOutput(server, /^.*Tessera is ready.*$/m);
    const entry = JSON.parse(line) as { msg: string; context: string };
    expect(entry.msg).toMatch(
      new RegExp(
        `^Tessera is ready: API http://127\\.0\\.0\\.1:${port}/api, docs http://127\\.0\\.0\\.1:${port}/docs, a token: npm run token -- --tenant acme --sub alice`,
      ),
    );
  });

  it('logs why a token was refused at debug level, never the token', async () => {
    const forged = tokenFor({ tenant: 'acme', sub: 'alice' }, {}, 'a-guessed-secret-that-is-long-enough-to-sign');
    const response = await fetch(`http://127.0.0.1:${port}/api/tasks`, { headers: bearer(forged) });
    expect(response.status).toBe(401);
    const requestId = response.headers.get('x-request-id');
    const [line] = await waitForOutput(server, /^.*Authentication failed.*$/m);
    expect(JSON.parse(line)).toMatchObject({ level: 20, requestId, reason: 'JsonWebTokenError: invalid signature' });
    const [expiredLine] = await (async () => {
      const expired = tokenFor({ tenant: 'acme', sub: 'alice' }, { expiresIn: -120 });
      await fetch(`http://127.0.0.1:${port}/api/tasks`, { headers: bearer(expired) });
      return waitForOutput(server, /^.*TokenExpiredError.*$/m);
    })();
    expect(expiredLine).toContain('jwt expired');
    expect(server.output.stdout).not.toContain(forged.split('.')[2]);
    expect(server.output.stdout).not.toContain(forged.split('.')[1]);
  });
});

describe('npm run dev', () => {
  let database: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await mkdtemp(join(tmpdir(), 'tessera-dev-'));
  });
  afterAll(async () => {
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('runs the sources without a build and restarts the server when a file it loaded changes', async () => {
    // A module the server loads besides its own sources: changing it must restart the server like a source change.
    const watched = join(folder, 'watched.ts');
    await writeFile(watched, 'export const generation: number = 1;\n');
    const port = await freePort();
    const dev = start(['--watch', '--import', SWC_REGISTER, '--import', watched, '--enable-source-maps', 'src/main.ts'], {
      DATABASE_URL: database.runtimeUrl,
      DB_MIGRATE_ON_START: 'false',
      PORT: String(port),
    });
    try {
      await waitForOutput(dev, /Tessera is ready/);
      await fetch(`http://127.0.0.1:${port}/api/tasks`, { headers: bearer(tokenFor({ tenant: 'dev', sub: 'alice' })) }).then((response) =>
        expect(response.status).toBe(200),
      );
      const before = dev.output.stdout.length;
      await writeFile(watched, 'export const generation: number = 2;\n');
      const deadline = Date.now() + 40_000;
      while (!/Tessera is ready/.test(dev.output.stdout.slice(before)) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(dev.output.stdout.slice(before)).toMatch(/SIGTERM: draining requests[\s\S]*Tessera is ready/);
      await waitForStatus(`http://127.0.0.1:${port}/health/ready`);
    } finally {
      expect(await stop(dev)).toBe(0);
    }
  }, 60_000);

  it('signs a token from the sources, without a build', async () => {
    const finished = await run(
      ['--import', SWC_REGISTER, 'scripts/token.ts', '--tenant', 'acme', '--sub', 'alice', '--roles', 'admin'],
      {},
    );
    expect(finished.code).toBe(0);
    expect(jwt.verify(finished.stdout.trim(), DEVELOPMENT_JWT_SECRET)).toMatchObject({ sub: 'alice', tenant_id: 'acme', roles: ['admin'] });
    expect(finished.ms).toBeLessThan(8_000); // a build alone takes 5–6 s here; node itself ≈ 0.7 s
  });
});
