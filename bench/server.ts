import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** The built server (dist/src/main.js) as a child process, serving an already migrated database; `environment` overrides. */
export async function startBuiltServer(
  runtimeUrl: string,
  port: number,
  environment: Record<string, string> = {},
): Promise<{ stop(): Promise<void> }> {
  const server: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: runtimeUrl,
      DB_MIGRATE_ON_START: 'false',
      DB_POOL_MAX: '20',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...environment,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const ready = `http://127.0.0.1:${port}/health/ready`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (
      await fetch(ready).then(
        (response) => response.ok,
        () => false,
      )
    ) {
      return {
        stop: async () => {
          server.kill('SIGTERM');
          await once(server, 'exit');
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill('SIGKILL');
  throw new Error('The server did not become ready');
}
