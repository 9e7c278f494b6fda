import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** How to start a built server other than Tessera's own (dist/src/main.js), e.g. the thin twin, and with which Node flags. */
export interface ServerLaunch {
  script?: string;
  nodeArguments?: string[];
}

/** The built server as a child process, serving an already migrated database; `environment` overrides. */
export async function startBuiltServer(
  runtimeUrl: string,
  port: number,
  environment: Record<string, string> = {},
  { script = 'dist/src/main.js', nodeArguments = [] }: ServerLaunch = {},
): Promise<{ stop(): Promise<void> }> {
  const server: ChildProcess = spawn(process.execPath, [...nodeArguments, script], {
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
  let exited: number | null | undefined;
  server.once('exit', (code) => {
    exited = code;
  });
  const ready = `http://127.0.0.1:${port}/health/ready`;
  // A minute: a loaded two-CPU machine (or the CPU profiler) slows the start several times over.
  for (let attempt = 0; attempt < 600 && exited === undefined; attempt++) {
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
  throw new Error(exited === undefined ? `${script} did not become ready` : `${script} exited with code ${exited}`);
}
