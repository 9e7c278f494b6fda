import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min, validateSync } from 'class-validator';

/** The secret `npm run token` and a fresh checkout use; refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'tessera-development-secret-do-not-use-in-production';

/**
 * TLS to PostgreSQL, in libpq's words: `disable` (plain), `require` (encrypted, the certificate not
 * checked), `verify-full` (encrypted, the certificate checked against DB_SSL_CA, or Node's trusted
 * CAs without it, and the host name against the certificate).
 */
export const DB_SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DB_SSL_MODES)[number];

/** A container must listen on every interface to be reachable; a developer's machine should not. */
const PRODUCTION_DEFAULT_HOST = '0.0.0.0';

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
  on: true,
  off: false,
};
/** Known words become booleans; anything else stays a string and fails @IsBoolean. */
const toBoolean = ({ value }: { value: unknown }) => (typeof value === 'string' ? (BOOLEAN_WORDS[value.toLowerCase()] ?? value) : value);

/** Every environment variable Tessera reads; README.md documents each one. */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** Loopback by default outside production, so the development secret is never reachable from the network. */
  @IsString()
  HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_URL?: string;

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_OWNER_URL?: string;

  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(toBoolean)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  DB_POOL_MAX = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_STATEMENT_TIMEOUT_MS = 10_000;

  /** How long a pooled connection may stay idle before the pool closes it; 0 keeps idle connections open. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DB_IDLE_TIMEOUT_MS = 10_000;

  @IsIn(DB_SSL_MODES, { message: `DB_SSL must be one of ${DB_SSL_MODES.join(', ')}` })
  DB_SSL: DatabaseSslMode = 'disable';

  /** A PEM file of the CA certificate(s) that DB_SSL=verify-full trusts, read at boot. */
  @IsOptional()
  @IsString()
  DB_SSL_CA?: string;

  /** Longest wait for a pooled connection (or a new one) before the request gets a 503. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_CONNECT_TIMEOUT_MS = 5_000;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  DB_LOCK_TIMEOUT_MS = 5_000;

  /** Statement timeout of routes marked @ExpensiveRead() (graph walks, ranked search). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_EXPENSIVE_STATEMENT_TIMEOUT_MS = 3_000;

  /** The share of the pool one tenant's units of work may hold at once (the rest wait, then 429). */
  @Type(() => Number)
  @IsNumber()
  @Min(0.01)
  @Max(1)
  DB_TENANT_POOL_SHARE = 0.5;

  /** Bytes of data one tenant may store (the audit trail aside); over it, writes get 507. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  TENANT_STORAGE_QUOTA_BYTES = 1_073_741_824;

  /** How long a tenant's unit of work may wait for its share of the pool before the request gets 429. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DB_TENANT_QUEUE_TIMEOUT_MS = 2_000;

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  JWT_JWKS_URI?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  JWT_JWKS_CACHE_SECONDS = 600;

  /** The least time between two JWKS fetches, whatever triggers them (expiry, unknown kids, failures). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  JWT_JWKS_COOLDOWN_SECONDS = 30;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS = 30;

  /** Longest accepted span from `iat` (or now, without one) to `exp`: a stolen long-lived token is refused. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  JWT_MAX_LIFETIME_SECONDS = 86_400;

  /** Authenticated requests per tenant per minute, all routes and users together. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 1_200;

  /** Authenticated requests per user (or service) of a tenant per minute, all routes together; unset: half the tenant's. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_USER_PER_MINUTE?: number;

  /** Redis (or Valkey) that all instances count their rate limits in; unset: each instance counts in its own memory. */
  @IsOptional()
  @IsUrl(
    { protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true },
    { message: 'RATE_LIMIT_REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://localhost:6379' },
  )
  RATE_LIMIT_REDIS_URL?: string;

  /** Audit entries older than this many days are deleted (with a checkpoint) by an hourly job; unset keeps them forever. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS?: number;

  /** How long a scheduled job's lease outlives its holder's last renewal (renewed three times per lease while the job runs). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  JOB_LEASE_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_FAILURES_PER_MINUTE = 30;

  /** Which proxies' X-Forwarded-For to believe: `false`, `true` (any), or comma-separated addresses/CIDRs. */
  @IsString()
  TRUST_PROXY = 'false';

  @IsString()
  CORS_ORIGINS = '';

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  /** Longest time to receive a whole request (headers and body); a slower one gets 408. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** How long an idle keep-alive connection stays open (above a load balancer's idle timeout). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /** On SIGTERM, how long readiness fails while requests are still served, before draining starts (see docs/deployment.md). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_READINESS_DELAY_MS = 0;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Days a deleted dashboard stays restorable in the trash; older trash counts as gone. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  DASHBOARD_TRASH_RETENTION_DAYS = 30;

  /** The number of versions a dashboard's history keeps, newest first. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  DASHBOARD_HISTORY_MAX_VERSIONS = 100;

  /** Days a replaced dashboard version stays in the history. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(36_500)
  DASHBOARD_HISTORY_MAX_DAYS = 365;

  /** The port of the Prometheus endpoint (GET /metrics), apart from the API's; unset serves none, 0 takes a free port. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** The interface of the Prometheus endpoint; unset: HOST. */
  @IsOptional()
  @IsString()
  METRICS_HOST?: string;

  /** The busiest tenants that get a `tenant` label of their own in the metrics; the others count as `other`. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  METRICS_TENANT_TOP_N = 20;

  /** Where traces go (OTLP over HTTP); unset: no tracing. Read at start by the tracing preload (--import). */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/** Validates and converts the process environment; throws one message listing every problem. */
export function parseEnvironment(source: Record<string, string | undefined>): Environment {
  // An empty variable means "not set": it takes the default rather than becoming 0 or ''.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const defaults = present.NODE_ENV === 'production' ? { HOST: PRODUCTION_DEFAULT_HOST } : {};
  const environment = plainToInstance(Environment, { ...defaults, ...present }, { exposeDefaultValues: true });
  const errors = validateSync(environment, { whitelist: true, forbidUnknownValues: false });
  const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
  problems.push(...checkJwtKeys(environment), ...checkTrustProxy(environment), ...checkDatabaseTls(environment));
  if (problems.length > 0) {
    throw new Error(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
  return environment;
}

function checkJwtKeys(environment: Environment): string[] {
  if (environment.JWT_SECRET !== undefined && Buffer.byteLength(environment.JWT_SECRET.trim()) < 32) {
    return ['JWT_SECRET must be at least 32 bytes (surrounding whitespace not counted)'];
  }
  const configuredKeys = [environment.JWT_SECRET, environment.JWT_PUBLIC_KEY, environment.JWT_JWKS_URI].filter(Boolean);
  if (configuredKeys.length > 1) {
    return ['set only one of JWT_SECRET, JWT_PUBLIC_KEY and JWT_JWKS_URI'];
  }
  if (environment.JWT_JWKS_URI && !(environment.JWT_ISSUER && environment.JWT_AUDIENCE)) {
    // Any issuer can publish a JWKS; only iss and aud tie a token to ours and to this service.
    return ['JWT_JWKS_URI requires JWT_ISSUER and JWT_AUDIENCE'];
  }
  const developmentSecret = configuredKeys.length === 0 || environment.JWT_SECRET === DEVELOPMENT_JWT_SECRET;
  if (environment.NODE_ENV === 'production') {
    if (configuredKeys.length === 0) return ['NODE_ENV=production requires JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URI'];
    if (developmentSecret) return ['NODE_ENV=production refuses the documented development JWT_SECRET'];
  }
  if (developmentSecret && environment.NODE_ENV === 'development' && !isLoopback(environment.HOST)) {
    // Anyone can sign tokens with the published development secret: it must not be reachable from the network.
    return [
      `the development JWT secret is only used on a loopback HOST (127.0.0.1, ::1, localhost), not ${environment.HOST}: ` +
        'set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URI, or listen on loopback',
    ];
  }
  return [];
}

/** Connection-string parameters that would configure TLS beside DB_SSL (and that the ORM's pool ignores). */
const URL_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslnegotiation'];

function checkDatabaseTls(environment: Environment): string[] {
  const problems: string[] = [];
  for (const name of ['DATABASE_URL', 'DATABASE_OWNER_URL'] as const) {
    const url = environment[name];
    const given = url === undefined ? [] : URL_TLS_PARAMETERS.filter((parameter) => parsedUrl(url)?.searchParams.has(parameter));
    if (given.length > 0) {
      // One setting for every connection: the runtime pool, the owner's, the probe and the migrations alike.
      problems.push(`${name} must not set ${given.join(', ')}: configure TLS with DB_SSL (and DB_SSL_CA) instead`);
    }
  }
  if (environment.DB_SSL_CA === undefined) return problems;
  if (environment.DB_SSL !== 'verify-full') {
    return [...problems, `DB_SSL_CA is only used with DB_SSL=verify-full (DB_SSL is ${environment.DB_SSL})`];
  }
  return [...problems, ...checkCaFile(environment.DB_SSL_CA)];
}

function parsedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The file must be readable now and hold only parseable PEM certificates: a typo fails the boot, not the first connection. */
function checkCaFile(path: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    return [`DB_SSL_CA cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ${path}`];
  }
  const certificates = pem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) return [`DB_SSL_CA holds no PEM certificate (-----BEGIN CERTIFICATE-----): ${path}`];
  for (const certificate of certificates) {
    try {
      new X509Certificate(certificate);
    } catch (error) {
      return [`DB_SSL_CA holds a certificate that cannot be read (${(error as Error).message}): ${path}`];
    }
  }
  return [];
}

function checkTrustProxy(environment: Environment): string[] {
  const proxies = trustProxyOf(environment);
  try {
    if (Array.isArray(proxies)) addressMatcher(proxies);
    return [];
  } catch (error) {
    return [`TRUST_PROXY must be true, false or comma-separated addresses/CIDRs: ${(error as Error).message}`];
  }
}

const ADDRESS_OR_CIDR = /^([^/]+)(?:\/(\d{1,3}))?$/;

/** Whether an IP address is one of the addresses or inside one of the CIDRs; throws on an entry that is neither. */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [, address = '', prefix] = ADDRESS_OR_CIDR.exec(entry) ?? [];
    const type = familyOf(address);
    if (!type) throw new Error(`${entry} is not an IP address or CIDR`);
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const type = familyOf(address);
    return type !== undefined && list.check(address, type);
  };
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  return ({ 4: 'ipv4', 6: 'ipv6' } as const)[isIP(address) as 4 | 6];
}

const isLoopbackAddress = addressMatcher(['127.0.0.0/8', '::1']);

function isLoopback(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

/** TRUST_PROXY as Fastify's trustProxy option. */
export function trustProxyOf(environment: Pick<Environment, 'TRUST_PROXY'>): boolean | string[] {
  const value = environment.TRUST_PROXY.trim();
  if (value === 'false' || value === 'true') return value === 'true';
  return value
    .split(',')
    .map((proxy) => proxy.trim())
    .filter(Boolean);
}
