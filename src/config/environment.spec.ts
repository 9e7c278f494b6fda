import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressMatcher, DEVELOPMENT_JWT_SECRET, parseEnvironment, trustProxyOf } from './environment.js';

describe('parseEnvironment', () => {
  it('applies the documented defaults', () => {
    const environment = parseEnvironment({});
    expect(environment).toMatchObject({
      PORT: 3000,
      EMBEDDED_PG_DIR: '.data/postgres',
      DB_MIGRATE_ON_START: true,
      DB_POOL_MAX: 10,
      DASHBOARD_TRASH_RETENTION_DAYS: 30,
    });
    expect(environment).toMatchObject({ JWT_MAX_LIFETIME_SECONDS: 86_400, JWT_JWKS_COOLDOWN_SECONDS: 30 });
  });

  it('listens on loopback by default, and on every interface in production', () => {
    expect(parseEnvironment({}).HOST).toBe('127.0.0.1');
    expect(parseEnvironment({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).HOST).toBe('0.0.0.0');
  });

  it('uses the development secret only on a loopback address, or in tests', () => {
    for (const HOST of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST']) {
      expect(parseEnvironment({ HOST }).HOST).toBe(HOST);
    }
    for (const HOST of ['0.0.0.0', '::', '10.0.0.5', 'example.test']) {
      expect(() => parseEnvironment({ HOST })).toThrow(/development JWT secret is only used on a loopback HOST/);
      expect(() => parseEnvironment({ HOST, JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow(/loopback HOST/);
      expect(parseEnvironment({ HOST, JWT_SECRET: 'x'.repeat(32) }).HOST).toBe(HOST);
      expect(parseEnvironment({ HOST, NODE_ENV: 'test' }).HOST).toBe(HOST);
    }
  });

  it('requires an issuer and an audience with a JWKS', () => {
    const JWT_JWKS_URI = 'https://keys.test/jwks';
    expect(() => parseEnvironment({ JWT_JWKS_URI })).toThrow(/JWT_JWKS_URI requires JWT_ISSUER and JWT_AUDIENCE/);
    expect(() => parseEnvironment({ JWT_JWKS_URI, JWT_ISSUER: 'https://issuer.test' })).toThrow(/JWT_AUDIENCE/);
    expect(parseEnvironment({ JWT_JWKS_URI, JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'tessera' }).JWT_JWKS_URI).toBe(JWT_JWKS_URI);
  });

  it('converts numbers and booleans from strings', () => {
    expect(parseEnvironment({ PORT: '4000', DB_MIGRATE_ON_START: 'false' })).toMatchObject({ PORT: 4000, DB_MIGRATE_ON_START: false });
  });

  it('refuses a JWT secret shorter than 32 bytes, whitespace not counted', () => {
    expect(() => parseEnvironment({ JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => parseEnvironment({ JWT_SECRET: ` ${'x'.repeat(20)}${' '.repeat(20)}` })).toThrow(/at least 32 bytes/);
  });

  it('treats empty variables as unset and refuses booleans it does not know', () => {
    expect(parseEnvironment({ PORT: '', EMBEDDED_PG_DIR: '' })).toMatchObject({ PORT: 3000, EMBEDDED_PG_DIR: '.data/postgres' });
    expect(() => parseEnvironment({ DB_MIGRATE_ON_START: 'nope' })).toThrow(/DB_MIGRATE_ON_START/);
  });

  it('reads TRUST_PROXY as off (by default), on, or a list of trusted proxies', () => {
    expect(trustProxyOf(parseEnvironment({}))).toBe(false);
    expect(trustProxyOf(parseEnvironment({ TRUST_PROXY: 'true' }))).toBe(true);
    expect(trustProxyOf(parseEnvironment({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }))).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('refuses a TRUST_PROXY entry that is not an address or CIDR', () => {
    for (const TRUST_PROXY of ['loopback', '10.0.0.0/33', '10.0.0.0/8/1', '127.0.0.1, proxy.test']) {
      expect(() => parseEnvironment({ TRUST_PROXY })).toThrow(/TRUST_PROXY must be/);
    }
  });

  it('counts rate limits in memory unless given a redis:// or rediss:// URL', () => {
    expect(parseEnvironment({}).RATE_LIMIT_REDIS_URL).toBeUndefined();
    for (const RATE_LIMIT_REDIS_URL of ['redis://localhost:6379', 'rediss://:secret@cache.internal:6380/2', 'redis://127.0.0.1']) {
      expect(parseEnvironment({ RATE_LIMIT_REDIS_URL }).RATE_LIMIT_REDIS_URL).toBe(RATE_LIMIT_REDIS_URL);
    }
    for (const RATE_LIMIT_REDIS_URL of ['localhost:6379', 'http://cache.internal', 'postgres://db.test/tessera']) {
      expect(() => parseEnvironment({ RATE_LIMIT_REDIS_URL })).toThrow('RATE_LIMIT_REDIS_URL must be a redis:// or rediss:// URL');
    }
  });

  it('refuses to run in production with the development secret or without any key', () => {
    expect(() => parseEnvironment({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow(/development JWT_SECRET/);
    expect(() => parseEnvironment({ NODE_ENV: 'production' })).toThrow(/requires JWT_SECRET/);
    expect(parseEnvironment({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
  });

  it('refuses two key sources at once and lists every problem', () => {
    expect(() => parseEnvironment({ JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URI: 'https://keys.test/jwks', PORT: 'abc' })).toThrow(
      /PORT[\s\S]*only one of JWT_SECRET/,
    );
  });
});

/** A self-signed CA certificate (P-256, valid for a century): only its form matters here. */
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIBozCCAUmgAwIBAgIUKXfjWNvEUTiWK4D9zZHZk6uKY3QwCgYIKoZIzj0EAwIw
JjEkMCIGA1UEAwwbVGVzc2VyYSBlbnZpcm9ubWVudCBzcGVjIENBMCAXDTI2MTIw
MTE4MTAzNVoYDzIxMjYxMTA3MTgxMDM1WjAmMSQwIgYDVQQDDBtUZXNzZXJhIGVu
dmlyb25tZW50IHNwZWMgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATENPH+
nmY8oL4nV64/0r11uR9fc7mb3msscZ2a8aIrzFYa01q1T52DaGy6yxbRLAF2JUT/
69bWl6mdgPNmhHmUo1MwUTAdBgNVHQ4EFgQU3j6WF6VVvwbd8y01LM0W+QdAnygw
HwYDVR0jBBgwFoAU3j6WF6VVvwbd8y01LM0W+QdAnygwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNIADBFAiB9f/9FCK4c6H92oZTjiz/xdZLfD+rTNOBm3m+w
k0yHcgIhAMygXm/O9C71CxFhLx+MCmi5imLQjcHcF9x70yPvPHYq
-----END CERTIFICATE-----`;

describe('database connection settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keep idle connections 10 s and connect without TLS by default', () => {
    expect(parseEnvironment({})).toMatchObject({ DB_IDLE_TIMEOUT_MS: 10_000, DB_SSL: 'disable' });
    expect(parseEnvironment({}).DB_SSL_CA).toBeUndefined();
    expect(parseEnvironment({ DB_IDLE_TIMEOUT_MS: '0', DB_SSL: 'require' })).toMatchObject({ DB_IDLE_TIMEOUT_MS: 0, DB_SSL: 'require' });
  });

  it('refuse an idle timeout that is not a whole number of milliseconds, and an unknown DB_SSL', () => {
    for (const DB_IDLE_TIMEOUT_MS of ['-1', '1.5', 'soon']) {
      expect(() => parseEnvironment({ DB_IDLE_TIMEOUT_MS })).toThrow(/DB_IDLE_TIMEOUT_MS/);
    }
    for (const DB_SSL of ['prefer', 'verify-ca', 'true', 'REQUIRE']) {
      expect(() => parseEnvironment({ DB_SSL })).toThrow(/DB_SSL must be one of disable, require, verify-full/);
    }
  });

  it('read DB_SSL_CA at boot: a missing file, or one without a readable PEM certificate, is refused naming it', () => {
    const missing = join(dir, 'missing.pem');
    expect(() => parseEnvironment({ DB_SSL: 'verify-full', DB_SSL_CA: missing })).toThrow(`DB_SSL_CA cannot be read (ENOENT): ${missing}`);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(() => parseEnvironment({ DB_SSL: 'verify-full', DB_SSL_CA: notPem })).toThrow(/DB_SSL_CA holds no PEM certificate/);
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    expect(() => parseEnvironment({ DB_SSL: 'verify-full', DB_SSL_CA: broken })).toThrow(
      /DB_SSL_CA holds a certificate that cannot be read/,
    );
  });

  it('accept a PEM CA with verify-full only', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, `# a comment line before the certificate\n${TEST_CA}\n`);
    expect(parseEnvironment({ DB_SSL: 'verify-full', DB_SSL_CA: ca }).DB_SSL_CA).toBe(ca);
    expect(() => parseEnvironment({ DB_SSL: 'require', DB_SSL_CA: ca })).toThrow(
      'DB_SSL_CA is only used with DB_SSL=verify-full (DB_SSL is require)',
    );
    expect(() => parseEnvironment({ DB_SSL_CA: ca })).toThrow(/DB_SSL is disable/);
  });

  it('refuse TLS parameters in the database URLs: DB_SSL alone governs every connection', () => {
    expect(() => parseEnvironment({ DATABASE_URL: 'postgres://app:pw@db.test:5432/tessera?sslmode=require' })).toThrow(
      'DATABASE_URL must not set sslmode: configure TLS with DB_SSL (and DB_SSL_CA) instead',
    );
    expect(() => parseEnvironment({ DATABASE_OWNER_URL: 'postgres://owner:pw@db.test/tessera?ssl=true&sslrootcert=/ca.pem' })).toThrow(
      'DATABASE_OWNER_URL must not set ssl, sslrootcert',
    );
    expect(
      parseEnvironment({ DATABASE_URL: 'postgres://app:pw@db.test:5432/tessera?application_name=x', DB_SSL: 'verify-full' }).DB_SSL,
    ).toBe('verify-full');
  });
});

describe('addressMatcher', () => {
  it('matches addresses and CIDRs of both families, IPv4-mapped ones too', () => {
    const matches = addressMatcher(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(['10.1.2.3', '::ffff:10.1.2.3', '192.168.1.7', 'fd12::1'].map(matches)).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '192.168.1.8', 'fe80::1', '', 'not-an-ip'].map(matches)).toEqual([false, false, false, false, false]);
  });
});
