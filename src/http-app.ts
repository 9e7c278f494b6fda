import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { type Environment, trustProxyOf } from './config/environment.js';
import { registerConsole } from './console/console.routes.js';
import { PlatformProblems } from './platform/errors/platform-problems.js';
import { ProblemException } from './platform/errors/problem.exception.js';
import { registerHttpManners, relaxDocsUpgrade } from './platform/http/http-manners.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './platform/http/json-depth.js';
import { finishOpenApiDocument, operationIdOf } from './platform/http/openapi.js';
import { requestIdGenerator } from './platform/http/request-id.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { createValidationPipe } from './platform/http/validation.pipe.js';
import { ShutdownState } from './platform/lifecycle/shutdown-state.js';
import { RequestMetrics } from './platform/observability/request-metrics.js';

/** Where Swagger UI is served (its OpenAPI document at `/docs-json`). */
const DOCS_PATH = 'docs';

/** How often Node looks for requests past their header or request timeout (408). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** The OpenAPI document of an application: every response with its schema, every problem it can answer with. */
export function openApiDocumentOf(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tessera API')
    .setDescription(
      'Multi-tenant dashboards, agent tasks, lessons and audit trail. Every error is an RFC 9457 problem (`application/problem+json`).',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return finishOpenApiDocument(SwaggerModule.createDocument(app, config, { operationIdFactory: operationIdOf }));
}

/** Builds the fully configured HTTP application (not yet listening): used by main.ts and the tests. */
export async function createHttpApp(
  environment: Environment,
  runtimeDatabaseUrl: string,
  ownerDatabaseUrl?: string,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: environment.BODY_LIMIT_BYTES,
    genReqId: requestIdGenerator(trustProxyOf(environment)),
    trustProxy: trustProxyOf(environment),
    requestTimeout: environment.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: environment.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // Node reads these when the server is created (setting them later has no effect), and checks
    // them every connectionsCheckingInterval (30 s by default).
    http: {
      requestTimeout: environment.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(environment.HTTP_HEADERS_TIMEOUT_MS, environment.HTTP_REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    // Requests that arrive while shutting down get a problem response from refuseWhileDraining.
    return503OnClosing: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(environment, runtimeDatabaseUrl, ownerDatabaseUrl),
    adapter,
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  registerSecurityHeaders(app.getHttpAdapter().getInstance(), {
    // Swagger UI needs inline scripts and styles; the API itself serves only JSON.
    contentSecurityPolicy: { directives: { scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
  });
  relaxDocsUpgrade(app.getHttpAdapter().getInstance(), DOCS_PATH);
  const origins = environment.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length > 0) {
    app.enableCors({ origin: origins, exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'] });
  }
  const fastify = app.getHttpAdapter().getInstance();
  const shutdown = app.get(ShutdownState);
  // Every response is measured, refused ones included (Prometheus metrics, and the trace span named by its route).
  app.get(RequestMetrics).attachTo(fastify);
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    if (shutdown.draining) {
      throw new ProblemException(PlatformProblems.types['shutting-down'], 'The server is shutting down; retry the request.');
    }
  });
  // After the request id and helmet's headers, before any route is registered (Nest registers its
  // routes in init()): 405s are derived from the routes as they are added.
  registerHttpManners(fastify);
  // The audit console (/console): static assets under a strict CSP of their own.
  await registerConsole(fastify, environment);
  fastify.addHook('onSend', async (_request, reply) => {
    // While draining, no connection is kept alive for a next request that would only be refused.
    if (shutdown.draining) void reply.header('Connection', 'close');
  });
  fastify.addHook('preValidation', async (request) => {
    if (nestsDeeperThan(request.body, MAX_JSON_DEPTH)) {
      throw new ProblemException(PlatformProblems.types['body-too-deep'], `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
    }
  });

  SwaggerModule.setup(DOCS_PATH, app, () => openApiDocumentOf(app), { jsonDocumentUrl: `${DOCS_PATH}-json` });
  return app;
}
