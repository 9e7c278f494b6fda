import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { DEVELOPMENT_JWT_SECRET, type Environment } from '../../src/config/environment.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { principalOfClaims, type TesseraClaims, type TokenPolicy } from '../../src/platform/auth/token-claims.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/platform/pagination/page.js';
import { inTenantTransaction, type Origin } from './tenant-transaction.js';
import { dashboardRoutes } from './twin-dashboards.js';
import { lessonRoutes } from './twin-lessons.js';
import { taskRoutes } from './twin-tasks.js';

/** A refusal the twin answers with a status and a short problem body. */
export class TwinProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id of the path, refused with 400 unless a UUID (ParseUUIDPipe's answer). */
export function uuidParam(request: FastifyRequest): string {
  const { id } = request.params as { id: string };
  if (!UUID.test(id)) throw new TwinProblem(400, 'Validation failed (uuid is expected)');
  return id;
}

/** `?limit=` of a list, refused with 400 outside Tessera's bounds. */
export function limitParam(request: FastifyRequest): number {
  const limit = Number((request.query as { limit?: string }).limit ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new TwinProblem(400, `limit must be 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}

/** What a route handler gets: the verified principal and a way into its unit of work. */
export interface TwinContext {
  principal: Principal;
  inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>, options?: { expensive?: boolean }): Promise<T>;
}

export type TwinHandler = (context: TwinContext, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface TwinRoutes {
  add(method: 'GET' | 'POST' | 'PATCH', url: string, handler: TwinHandler): void;
}

export interface ThinTwin {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

type TwinEnvironment = Pick<
  Environment,
  | 'JWT_SECRET'
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'JWT_CLOCK_TOLERANCE_SECONDS'
  | 'JWT_MAX_LIFETIME_SECONDS'
  | 'DB_POOL_MAX'
  | 'DB_STATEMENT_TIMEOUT_MS'
  | 'DB_EXPENSIVE_STATEMENT_TIMEOUT_MS'
  | 'DB_LOCK_TIMEOUT_MS'
  | 'DASHBOARD_HISTORY_MAX_VERSIONS'
  | 'DASHBOARD_HISTORY_MAX_DAYS'
>;

/**
 * The thin twin: what Tessera does for its hot routes with nothing else — Fastify, one pg pool as the
 * runtime role, jsonwebtoken with Tessera's own claim checks, the unit of work's settings, Tessera's
 * statements and view functions. The benchmark measures Tessera against it (bench/compare.ts).
 */
export async function startThinTwin(databaseUrl: string, environment: TwinEnvironment, port = 0): Promise<ThinTwin> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: environment.DB_POOL_MAX });
  const secret = environment.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
  const policy: TokenPolicy = {
    maxLifetimeSeconds: environment.JWT_MAX_LIFETIME_SECONDS,
    clockToleranceSeconds: environment.JWT_CLOCK_TOLERANCE_SECONDS,
  };
  const verifyOptions: jwt.VerifyOptions = {
    algorithms: ['HS256'],
    clockTolerance: environment.JWT_CLOCK_TOLERANCE_SECONDS,
    ...(environment.JWT_ISSUER && { issuer: environment.JWT_ISSUER }),
    ...(environment.JWT_AUDIENCE && { audience: environment.JWT_AUDIENCE }),
  };
  const principalOf = (request: FastifyRequest): Principal => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    try {
      const principal = token && principalOfClaims(jwt.verify(token, secret, verifyOptions) as TesseraClaims, policy);
      if (principal) return principal;
    } catch {
      // any verification failure is the same 401
    }
    throw new TwinProblem(401, 'A valid bearer token is required.');
  };

  const app = Fastify({ genReqId: (raw) => (raw.headers['x-request-id'] as string | undefined) ?? randomUUID() });
  app.setErrorHandler((error, _request, reply) => {
    // Tessera's own rules (e.g. fittedBox) refuse with its HTTP exceptions: their status stands.
    const status = error instanceof TwinProblem ? error.status : error instanceof HttpException ? error.getStatus() : 500;
    void reply
      .status(status)
      .type('application/problem+json')
      .send({ status, detail: error instanceof Error ? error.message : String(error) });
  });
  const routes: TwinRoutes = {
    add: (method, url, handler) =>
      app.route({
        method,
        url: `/api${url}`,
        handler: (request, reply) => {
          const principal = principalOf(request);
          const origin: Origin = { requestId: request.id, ipAddress: request.ip, userAgent: request.headers['user-agent'] ?? '' };
          const context: TwinContext = {
            principal,
            inTransaction: (work, options = {}) =>
              inTenantTransaction(
                pool,
                environment,
                options.expensive ? environment.DB_EXPENSIVE_STATEMENT_TIMEOUT_MS : environment.DB_STATEMENT_TIMEOUT_MS,
                principal,
                origin,
                work,
              ),
          };
          return handler(context, request, reply);
        },
      }),
  };
  // What bench/server.ts waits for before driving a server.
  app.get('/health/ready', async () => ({ status: 'ok' }));
  taskRoutes(routes);
  dashboardRoutes(routes, environment);
  lessonRoutes(routes);
  const address = await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    url: address,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}
