import { execFileSync } from 'node:child_process';
import { chmod, chown, copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { EmbeddedDatabase, startEmbeddedDatabase } from '../../src/platform/database/embedded-database.js';
import { MaintenanceDatabase } from '../../src/platform/database/maintenance-database.js';
import { migrateToLatest } from '../../src/platform/database/migrations.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/lock-waiters.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const alice = bearer(tokenFor({ tenant: 'tls', sub: 'alice' }));

/** The runtime pool's connections to a database (the probe and the owner's pool name themselves differently). */
async function poolConnections(database: string, server?: string): Promise<number> {
  const rows = await withAdminClient(
    (admin) =>
      admin.query<{ count: number }>(
        `select count(*)::int as count from pg_stat_activity where datname = $1 and application_name = 'tessera'`,
        [database],
      ),
    'postgres',
    server,
  );
  return rows.rows[0]!.count;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('DB_IDLE_TIMEOUT_MS', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('closes the runtime pool’s idle connections after the timeout, and keeps them under a long one', async () => {
    const short = await startTestApp({ DB_IDLE_TIMEOUT_MS: '300' }, database);
    try {
      await request(short.server).get('/api/lessons/count').set(alice).expect(200);
      await waitFor(async () => (await poolConnections(database.name)) === 0, 5_000);
    } finally {
      await short.close();
    }
    const long = await startTestApp({ DB_IDLE_TIMEOUT_MS: '60000' }, database);
    try {
      await request(long.server).get('/api/lessons/count').set(alice).expect(200);
      await sleep(1_000);
      expect(await poolConnections(database.name)).toBeGreaterThan(0);
    } finally {
      await long.close();
    }
  });
});

describe('DB_SSL against a server without TLS (the embedded test server)', () => {
  it.each(['require', 'verify-full'])('DB_SSL=%s refuses to start, naming DB_SSL', async (mode) => {
    await expect(startTestApp({ DB_SSL: mode })).rejects.toThrow(
      `DB_SSL=${mode} requires TLS, and the database server does not offer it: enable ssl on the server, or set DB_SSL=disable (The server does not support SSL connections)`,
    );
  });

  it('refuses to migrate with DB_SSL=require, naming DB_SSL', async () => {
    const database = await createTestDatabase();
    try {
      await expect(migrateToLatest(database.ownerUrl, { DB_SSL: 'require', DB_IDLE_TIMEOUT_MS: 10_000 })).rejects.toThrow(
        /DB_SSL=require requires TLS/,
      );
    } finally {
      await database.drop();
    }
  });
});

/**
 * A PostgreSQL of this file's own with TLS on: a CA and a server certificate it signed for
 * 127.0.0.1 only, made with openssl (node:crypto cannot issue certificates), and a second, unrelated CA.
 */
const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(openssl ? describe : describe.skip)(
  `DB_SSL against a server with TLS${openssl ? '' : ' (SKIPPED: openssl is not on PATH, no certificate can be issued)'}`,
  () => {
    const dataDir = `.data/test-tls-${process.pid}`;
    let certs: string;
    let embedded: EmbeddedDatabase;
    let database: TestDatabase;
    const ca = () => join(certs, 'ca.crt');
    const rogueCa = () => join(certs, 'rogue-ca.crt');

    beforeAll(async () => {
      certs = await mkdtemp(join(tmpdir(), 'tessera-tls-'));
      issueCertificates(certs);
      embedded = await startEmbeddedDatabase({ dir: dataDir, port: await freePort(), database: 'tessera' });
      await enableTls(embedded, resolve(dataDir), certs);
      // The schema over verified TLS: the migrations honour DB_SSL too.
      await migrateToLatest(embedded.ownerUrl, { DB_SSL: 'verify-full', DB_SSL_CA: ca(), DB_IDLE_TIMEOUT_MS: 10_000 });
      database = { name: 'tessera', ownerUrl: embedded.ownerUrl, runtimeUrl: embedded.runtimeUrl, drop: async () => undefined };
    }, 60_000);
    afterAll(async () => {
      await embedded?.stop();
      await rm(dataDir, { recursive: true, force: true });
      if (certs) await rm(certs, { recursive: true, force: true });
    });

    /** Whether every connection of these application names to the database is encrypted (and there is one). */
    async function encrypted(applications: string[]): Promise<boolean> {
      const { rows } = await withAdminClient(
        (admin) =>
          admin.query<{ connections: number; plain: number }>(
            `select count(*)::int as connections, count(*) filter (where not s.ssl)::int as plain
           from pg_stat_activity a join pg_stat_ssl s using (pid) where a.datname = 'tessera' and a.application_name = any($1)`,
            [applications],
          ),
        'postgres',
        embedded.adminUrl,
      );
      return rows[0]!.connections > 0 && rows[0]!.plain === 0;
    }

    it('verify-full with the CA that signed the certificate: serves, every pool and the probe encrypted', async () => {
      const testApp = await startTestApp({ DB_SSL: 'verify-full', DB_SSL_CA: ca() }, database);
      try {
        await request(testApp.server)
          .post('/api/lessons')
          .set(alice)
          .send({ category: 'tls', title: 'Encrypted', summary: 'Over verified TLS' })
          .expect(201);
        expect((await request(testApp.server).get('/api/lessons/count').set(alice).expect(200)).body).toEqual({ count: 1 });
        await request(testApp.server).get('/health/ready').expect(200);
        expect(await encrypted(['tessera', 'tessera-probe'])).toBe(true);
        // The schema owner's maintenance pool (scheduled jobs) connects the same way.
        const maintenance = testApp.app.get(MaintenanceDatabase);
        const ssl = await maintenance.transaction(
          {},
          async (client) => (await client.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()')).rows[0]!.ssl,
        );
        expect(ssl).toBe(true);
      } finally {
        await testApp.close();
      }
    });

    it('verify-full refuses a certificate another CA signed, naming DB_SSL_CA, and so do the migrations', async () => {
      await expect(startTestApp({ DB_SSL: 'verify-full', DB_SSL_CA: rogueCa() }, database)).rejects.toThrow(
        `DB_SSL=verify-full refused the database server's certificate: no CA in DB_SSL_CA (${rogueCa()}) vouches for it (unable to verify the first certificate`,
      );
      await expect(
        migrateToLatest(embedded.ownerUrl, { DB_SSL: 'verify-full', DB_SSL_CA: rogueCa(), DB_IDLE_TIMEOUT_MS: 10_000 }),
      ).rejects.toThrow(/DB_SSL=verify-full refused the database server's certificate/);
    });

    it('verify-full without DB_SSL_CA trusts only Node’s CAs, and so refuses a private CA’s certificate', async () => {
      await expect(startTestApp({ DB_SSL: 'verify-full' }, database)).rejects.toThrow(
        "DB_SSL=verify-full refused the database server's certificate: no CA in Node's trusted CAs (DB_SSL_CA is not set) vouches for it",
      );
    });

    it('verify-full refuses a host name the certificate does not carry, even with the right CA', async () => {
      const byName = {
        ...database,
        runtimeUrl: withHost(embedded.runtimeUrl, 'localhost'),
        ownerUrl: withHost(embedded.ownerUrl, 'localhost'),
      };
      await expect(startTestApp({ DB_SSL: 'verify-full', DB_SSL_CA: ca() }, byName)).rejects.toThrow(
        /DB_SSL=verify-full refused the database server's certificate: it does not name the host of the database URL.*Host: localhost/,
      );
    });

    it('require encrypts without checking the certificate (libpq’s sslmode=require)', async () => {
      const byName = {
        ...database,
        runtimeUrl: withHost(embedded.runtimeUrl, 'localhost'),
        ownerUrl: withHost(embedded.ownerUrl, 'localhost'),
      };
      const testApp = await startTestApp({ DB_SSL: 'require' }, byName);
      try {
        expect((await request(testApp.server).get('/api/lessons/count').set(alice).expect(200)).body).toEqual({ count: 1 });
        expect(await encrypted(['tessera'])).toBe(true);
      } finally {
        await testApp.close();
      }
    });
  },
);

function withHost(url: string, host: string): string {
  const changed = new URL(url);
  changed.hostname = host;
  return changed.toString();
}

/** ca.crt signs server.crt (for IP 127.0.0.1 only); rogue-ca.crt signs nothing the server shows. */
function issueCertificates(dir: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const caExtensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  run('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Tessera test CA', ...caExtensions);
  run(
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'rogue-ca.key',
    '-out',
    'rogue-ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=Tessera test CA',
    ...caExtensions,
  );
  run('req', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=tessera-test-db');
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n" > server.ext'], { cwd: dir });
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
}

/**
 * Turns TLS on in the running server (a reload suffices since PostgreSQL 10). The key must belong to
 * the user PostgreSQL runs as and be private to it, or PostgreSQL refuses it.
 */
async function enableTls(embedded: EmbeddedDatabase, dataDir: string, certs: string): Promise<void> {
  const owner = await stat(dataDir);
  for (const file of ['server.crt', 'server.key']) {
    const target = join(dataDir, file);
    await copyFile(join(certs, file), target);
    await chmod(target, 0o600);
    if (process.getuid?.() === 0) await chown(target, owner.uid, owner.gid);
  }
  await withAdminClient(
    async (admin) => {
      await admin.query(`alter system set ssl_cert_file = 'server.crt'`);
      await admin.query(`alter system set ssl_key_file = 'server.key'`);
      await admin.query(`alter system set ssl = on`);
      await admin.query('select pg_reload_conf()');
    },
    'postgres',
    embedded.adminUrl,
  );
  // The reload is asynchronous: wait until a new session sees it.
  await waitFor(
    async () =>
      (await withAdminClient((admin) => admin.query<{ ssl: string }>('show ssl'), 'postgres', embedded.adminUrl)).rows[0]!.ssl === 'on',
    10_000,
  );
}
