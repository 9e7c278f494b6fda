import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';

/** The one request body media type the API reads (JSON is UTF-8: RFC 8259). */
export const JSON_MEDIA_TYPE = 'application/json';

/** Methods whose requests may carry a body that Fastify would parse. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * HTTP's answers for requests that reach no handler, decided in Fastify's onRequest hooks (before
 * body parsing, authentication and any database work):
 * - a path that exists with other methods → 405 with `Allow`, derived from Fastify's own router
 *   (every route Nest, Swagger or a plugin registered), not from a hand-kept list; OPTIONS on such
 *   a path → 204 with `Allow`;
 * - a request body in any media type but JSON → 415 naming what is accepted (`Accept-Post` /
 *   `Accept-Patch`), instead of a body parsed as a form or as text and refused field by field.
 *   PATCH bodies are JSON too: no route applies JSON Merge Patch (RFC 7396) semantics (a field's
 *   value replaces the stored one whole, and `null` is refused rather than removing the field), so
 *   `application/merge-patch+json` is not accepted.
 * Call before the application registers its routes (before `init()`): the route methods are
 * collected as routes are added.
 */
export function registerHttpManners(fastify: FastifyInstance): void {
  const routeMethods = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeMethods.add(method.toUpperCase());
  });

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.is404) {
      const allowed = allowedMethods(fastify, routeMethods, request.url);
      if (allowed.length === 0) return; // truly unknown: Nest's 404 problem
      const allow = allowed.join(', ');
      if (request.method === 'OPTIONS') {
        return reply.header('Allow', allow).code(204).send();
      }
      throw new ProblemException(
        PlatformProblems.types['method-not-allowed'],
        `${request.method} is not allowed on ${pathOf(request.url)}; it allows ${allow}.`,
        { allowedMethods: allowed },
        { Allow: allow },
      );
    }
    if (BODY_METHODS.has(request.method) && carriesBody(request)) {
      const contentType = request.headers['content-type'];
      if (!isJson(contentType)) {
        throw new ProblemException(
          PlatformProblems.types['unsupported-media-type'],
          unsupportedMediaTypeDetail(contentType),
          { acceptedMediaTypes: [JSON_MEDIA_TYPE] },
          acceptHeaders(request.method),
        );
      }
    }
  });
}

/** The methods whose routes match this path (HEAD wherever GET is), in a stable order. */
function allowedMethods(fastify: FastifyInstance, routeMethods: Set<string>, url: string): string[] {
  const path = pathOf(url);
  const allowed = new Set([...routeMethods].filter((method) => fastify.findRoute({ method: method as 'GET', url: path }) !== null));
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b) || a.localeCompare(b));
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** A body is announced by a non-zero Content-Length or by chunked Transfer-Encoding (RFC 9112 §6.3). */
function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

/** `application/json`, with no charset or with UTF-8 (the only encoding JSON has: RFC 8259 §8.1). */
export function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [essence = '', ...parameters] = contentType.split(';');
  if (essence.trim().toLowerCase() !== JSON_MEDIA_TYPE) return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    return name !== 'charset' || value.replace(/"/g, '') === 'utf-8' || value.replace(/"/g, '') === 'utf8';
  });
}

function unsupportedMediaTypeDetail(contentType: string | undefined): string {
  if (!contentType) return `The request has a body but no Content-Type; send JSON with content-type: ${JSON_MEDIA_TYPE}.`;
  return `The request body is ${contentType.slice(0, 100)}; this API reads ${JSON_MEDIA_TYPE} (UTF-8) only.`;
}

/** Which media types the method accepts, as the headers made for saying so (W3C LDP's Accept-Post, RFC 5789's Accept-Patch). */
function acceptHeaders(method: string): Record<string, string> {
  if (method === 'POST') return { 'Accept-Post': JSON_MEDIA_TYPE };
  if (method === 'PATCH') return { 'Accept-Patch': JSON_MEDIA_TYPE };
  return {};
}

/**
 * Swagger UI's pages get the API's Content-Security-Policy without `upgrade-insecure-requests`:
 * over plain HTTP on any host but localhost, that directive sends the UI's own scripts and styles to
 * https://, where nothing answers, and the page stays blank. Every other response keeps the policy
 * (and every other security header) whole. Helmet writes its headers on the raw response.
 */
export function relaxDocsUpgrade(fastify: FastifyInstance, docsPath: string): void {
  const prefix = `/${docsPath}`;
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return;
    const policy = reply.raw.getHeader('content-security-policy');
    if (typeof policy !== 'string') return;
    const directives = policy
      .split(';')
      .map((directive) => directive.trim())
      .filter((directive) => directive && directive !== 'upgrade-insecure-requests');
    reply.raw.setHeader('content-security-policy', directives.join(';'));
  });
}
