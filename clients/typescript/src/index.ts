import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** An RFC 9457 problem: every 4xx and 5xx answer (`type` and `code` name the kind; see docs/problems.md). */
export type Problem = components['schemas']['Problem'];

export type TesseraClient = Client<paths>;

export interface TesseraClientOptions {
  /** The server's origin, e.g. `https://tessera.example.com` (the paths begin with `/api`). */
  baseUrl: string;
  /** A bearer token with the caller's `tenant_id`, or a function asked for one before each request (tokens expire). */
  token: string | (() => string | Promise<string>);
  /** Defaults to the global fetch. */
  fetch?: ClientOptions['fetch'];
}

/** A client of the Tessera API whose paths, parameters, bodies, answers and problems are typed from the OpenAPI document. */
export function createTesseraClient({ baseUrl, token, fetch }: TesseraClientOptions): TesseraClient {
  const client = createClient<paths>({ baseUrl, ...(fetch && { fetch }) });
  client.use(bearer(token));
  return client;
}

function bearer(token: TesseraClientOptions['token']): Middleware {
  return {
    async onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
      return request;
    },
  };
}
