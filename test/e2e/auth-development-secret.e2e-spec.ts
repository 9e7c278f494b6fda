import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../support/free-port.js';

describe('the development JWT secret', () => {
  const dataDir = `.data/test-development-secret-${process.pid}`;
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps the built server from starting on a HOST that is not loopback', async () => {
    const server = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        HOST: '0.0.0.0',
        PORT: String(await freePort()),
        JWT_SECRET: '',
        JWT_PUBLIC_KEY: '',
        JWT_JWKS_URI: '',
        DATABASE_URL: '',
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(server, 'exit');
    try {
      // Loading the application's modules alone can take seconds on a busy machine.
      const [code] = await Promise.race([exited, sleep(25_000, ['still running'], { ref: false })]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/development JWT secret is only used on a loopback HOST \(127\.0\.0\.1, ::1, localhost\), not 0\.0\.0\.0/);
    } finally {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await exited;
      }
    }
  }, 40_000);
});
