import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Environment, parseEnvironment } from './config/environment.js';
import { launchEmbeddedDatabase } from './platform/database/embedded-database.js';
import { assertListenable, displayHost, explainListenFailure } from './platform/http/listen-address.js';
import { gracefulShutdown } from './platform/lifecycle/graceful-shutdown.js';

const EMBEDDED_DATABASE_NAME = 'tessera';
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * `.env` in the working directory, when there is one: the environment wins over it (Node's rule).
 * Never under NODE_ENV=test, so that a developer's file cannot change what the tests run.
 */
function loadEnvFile(path = '.env'): void {
  if (process.env.NODE_ENV !== 'test' && existsSync(path)) process.loadEnvFile(path);
}

/** The variables read at boot, validated; any problem is one line naming the variable. */
function readEnvironment(): Environment {
  let environment: Environment;
  try {
    environment = parseEnvironment(process.env);
  } catch (error) {
    // parseEnvironment lists every problem, one per line: joined, the message stays one line.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/:\n\s*-\s*/, ': ').replace(/\n\s*-\s*/g, '; '));
  }
  for (const name of ['DATABASE_URL', 'DATABASE_OWNER_URL'] as const) {
    const value = environment[name];
    if (value !== undefined && !isPostgresUrl(value)) {
      // The value is not repeated: it may hold a password.
      throw new Error(`${name} is not a PostgreSQL URL: expected postgres://user:password@host:5432/database`);
    }
  }
  return environment;
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

interface Database {
  runtimeUrl: string;
  ownerUrl?: string;
  stop(): Promise<void>;
}

/**
 * The database to serve: the one DATABASE_URL names, or an embedded one, started here and still booting
 * when this returns (`ready()` waits for it).
 */
async function launchDatabase(environment: Environment): Promise<{ embedded: boolean; ready(): Promise<Database>; stop(): Promise<void> }> {
  if (environment.DATABASE_URL) {
    const external = { runtimeUrl: environment.DATABASE_URL, ownerUrl: environment.DATABASE_OWNER_URL, stop: async () => undefined };
    return { embedded: false, ready: async () => external, stop: external.stop };
  }
  const launched = await launchEmbeddedDatabase({
    dir: environment.EMBEDDED_PG_DIR,
    port: environment.EMBEDDED_PG_PORT,
    database: EMBEDDED_DATABASE_NAME,
  });
  return { embedded: true, ...launched };
}

/**
 * The application and the migrations: most of the modules the server loads. Importing them keeps this
 * thread busy for a second or more, which is why it happens while PostgreSQL boots in its own processes.
 */
async function loadServerModules() {
  const [{ createHttpApp }, { migrateToLatest }] = await Promise.all([
    import('./http-app.js'),
    import('./platform/database/migrations.js'),
  ]);
  return { createHttpApp, migrateToLatest };
}

/** Node's codes (and PostgreSQL's SQLSTATE classes) for "could not connect, or was refused at the door". */
const CONNECT_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
const CONNECT_SQLSTATE = /^(08|28|3D)/;

/** Runs a step that connects to the database the variable names; a failure to connect names that variable. */
async function connectingTo<T>(variable: string, url: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const failure = connectFailureIn(error);
    if (!failure) throw error;
    throw new Error(`Cannot connect to the database at ${variable} (${withoutPassword(url)}): ${failure.message}`);
  }
}

function connectFailureIn(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = String((current as { code?: unknown }).code ?? '');
    if (
      CONNECT_ERROR_CODES.has(code) ||
      CONNECT_SQLSTATE.test(code) ||
      /timeout exceeded when trying to connect|Connection terminated|password authentication/i.test(current.message)
    ) {
      return current;
    }
  }
  return undefined;
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

async function main(): Promise<void> {
  // A signal during start-up (Ctrl-C, or `npm run dev` restarting) is kept until the database can be stopped.
  let pendingSignal: string | undefined;
  let onSignal = (signal: string): void => {
    pendingSignal = signal;
  };
  for (const signal of SIGNALS) process.on(signal, () => onSignal(signal));

  loadEnvFile();
  const environment = readEnvironment();
  // Before the embedded database boots (seconds): a port in use is said at once.
  await assertListenable(environment.HOST, environment.PORT);
  const launched = await launchDatabase(environment);
  const { createHttpApp, migrateToLatest } = await loadServerModules().catch(async (error: unknown) => {
    await launched.stop();
    throw error;
  });
  const database = { ...(await launched.ready()), embedded: launched.embedded };
  const stopIfSignalled = async () => {
    if (!pendingSignal) return;
    await database.stop();
    process.exit(0);
  };
  try {
    await stopIfSignalled();
    if (environment.DB_MIGRATE_ON_START) {
      if (!database.ownerUrl) {
        throw new Error('DB_MIGRATE_ON_START needs DATABASE_OWNER_URL (the schema owner) when DATABASE_URL is set');
      }
      const ownerUrl = database.ownerUrl;
      await connectingTo(database.embedded ? 'the embedded database' : 'DATABASE_OWNER_URL', ownerUrl, () =>
        migrateToLatest(ownerUrl, environment),
      );
      await stopIfSignalled();
    }
  } catch (error) {
    await database.stop();
    throw error;
  }

  const app = await connectingTo(database.embedded ? 'the embedded database' : 'DATABASE_URL', database.runtimeUrl, async () => {
    const created = await createHttpApp(environment, database.runtimeUrl, database.ownerUrl);
    await created.init();
    return created;
  }).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  const logger = new Logger('Bootstrap');
  try {
    await app.listen({ port: environment.PORT, host: environment.HOST });
  } catch (error) {
    await app.close();
    await database.stop();
    throw explainListenFailure(error, environment.HOST, environment.PORT);
  }

  const shutdown = gracefulShutdown(app, database.stop, logger, environment.SHUTDOWN_READINESS_DELAY_MS);
  onSignal = (signal) => void shutdown(signal);
  if (pendingSignal) return void shutdown(pendingSignal);

  const { port } = app.getHttpServer().address() as AddressInfo;
  const origin = `http://${displayHost(environment.HOST)}:${port}`;
  const signsTokens = environment.NODE_ENV !== 'production' && !environment.JWT_PUBLIC_KEY && !environment.JWT_JWKS_URI;
  logger.log(
    `Tessera is ready: API ${origin}/api, docs ${origin}/docs` +
      (signsTokens ? ', a token: npm run token -- --tenant acme --sub alice --roles admin' : '') +
      ` (Node ${process.version}, ${database.embedded ? 'embedded' : 'external'} database)`,
  );
}

main().catch((error: unknown) => {
  // Start-up problems are the operator's to fix: one line that says what, never a stack.
  console.error(`Tessera cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
