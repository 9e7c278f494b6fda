import { DEVELOPMENT_JWT_SECRET, parseEnvironment, trustProxyOf } from './environment.js';

describe('parseEnvironment', () => {
  it('applies the documented defaults', () => {
    const environment = parseEnvironment({});
    expect(environment).toMatchObject({ PORT: 3000, EMBEDDED_PG_DIR: '.data/postgres', DB_MIGRATE_ON_START: true, DB_POOL_MAX: 10, DASHBOARD_TRASH_RETENTION_DAYS: 30 });
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
