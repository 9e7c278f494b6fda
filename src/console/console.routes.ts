import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET, type Environment } from '../config/environment.js';
import { PlatformProblems } from '../platform/errors/platform-problems.js';
import { type FieldError, PROBLEM_CONTENT_TYPE, problem } from '../platform/errors/problem.js';

/** Where the console is served; its assets are built into dist/console by `npm run build` (esbuild). */
export const CONSOLE_PATH = '/console';

/**
 * The console's own policy, stricter than the API docs' (which need inline scripts): nothing inline,
 * nothing from another origin, no framing. The console talks to this server's API only.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Lifetime of a development token from the console's one-click sign-in (at most JWT_MAX_LIFETIME_SECONDS). */
const DEV_TOKEN_LIFETIME_SECONDS = 8 * 3600;
const DEV_TOKEN_ID = /^[A-Za-z0-9._:@-]{1,100}$/;
const DEV_TOKEN_ROLES = new Set(['admin', 'service']);

/** The built assets: dist/console beside dist/src (compiled server) or under dist/ (server run from source). */
function assetsDirectory(): string | undefined {
  const candidates = ['../../console/', '../../dist/console/'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  return candidates.find((directory) => existsSync(`${directory}index.html`));
}

/** Whether the console may hand out development tokens: never in production, and only with a shared secret. */
export function devTokensEnabled(environment: Environment): boolean {
  return environment.NODE_ENV === 'development' && !environment.JWT_PUBLIC_KEY && !environment.JWT_JWKS_URI;
}

/**
 * Serves the audit console at /console (static files, their own CSP, no cache for the HTML) and, in
 * development only, `POST /console/dev-token` for its one-click sign-in. Neither is part of the API:
 * the console calls /api with the bearer token like any client, and the API's guards decide.
 */
export async function registerConsole(fastify: FastifyInstance, environment: Environment): Promise<void> {
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url === CONSOLE_PATH || request.url.startsWith(`${CONSOLE_PATH}/`) || request.url.startsWith(`${CONSOLE_PATH}?`)) {
      void reply.header('Content-Security-Policy', CONSOLE_CSP);
      void reply.header('Referrer-Policy', 'no-referrer');
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) void reply.header('Cache-Control', 'no-store');
    }
  });

  if (devTokensEnabled(environment)) {
    fastify.get(`${CONSOLE_PATH}/dev-token`, async () => ({ available: true }));
    fastify.post(`${CONSOLE_PATH}/dev-token`, async (request, reply) => {
      const body = (request.body ?? {}) as { tenant?: unknown; sub?: unknown; roles?: unknown };
      const errors: FieldError[] = [];
      if (typeof body.tenant !== 'string' || !DEV_TOKEN_ID.test(body.tenant))
        errors.push({ field: 'tenant', messages: ['tenant must be 1–100 letters, digits or ._:@-'] });
      if (typeof body.sub !== 'string' || !DEV_TOKEN_ID.test(body.sub))
        errors.push({ field: 'sub', messages: ['sub must be 1–100 letters, digits or ._:@-'] });
      const roles = body.roles ?? [];
      if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string' && DEV_TOKEN_ROLES.has(role)))
        errors.push({ field: 'roles', messages: ['roles must be a list of admin and service'] });
      if (errors.length > 0) {
        // Not a Nest route: the problem is written here, as the exception filter would.
        const body = {
          ...problem(PlatformProblems.types['validation-failed'], 'The request is invalid; see `errors` for each field.', { errors }),
          requestId: request.id,
        };
        return reply.code(400).type(PROBLEM_CONTENT_TYPE).send(body);
      }
      const token = jwt.sign({ tenant_id: body.tenant, roles }, environment.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET, {
        algorithm: 'HS256',
        subject: body.sub as string,
        expiresIn: Math.min(DEV_TOKEN_LIFETIME_SECONDS, environment.JWT_MAX_LIFETIME_SECONDS),
        ...(environment.JWT_ISSUER && { issuer: environment.JWT_ISSUER }),
        ...(environment.JWT_AUDIENCE && { audience: environment.JWT_AUDIENCE }),
      });
      return { token };
    });
  }

  // Without the slash, relative asset URLs would resolve against /: send the browser to the folder.
  fastify.get(CONSOLE_PATH, async (request, reply) => reply.redirect(`${CONSOLE_PATH}/${request.url.slice(CONSOLE_PATH.length)}`, 301));
  const root = assetsDirectory();
  if (!root) {
    fastify.get(`${CONSOLE_PATH}/`, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`.'),
    );
    return;
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: `${CONSOLE_PATH}/`,
    redirect: false,
    index: 'index.html',
    decorateReply: false,
    cacheControl: true,
    maxAge: 0,
  });
}
