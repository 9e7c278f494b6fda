import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { waitFor } from '../support/lock-waiters.js';
import { startTessera, type TesseraInstance } from '../support/tessera-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const TENANT = 'traced-tenant';
const PRELOAD = './dist/src/platform/observability/tracing.register.js';

/** A span as OTLP/JSON carries it, with its attributes flattened. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}
const SERVER_KIND = 2;

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpExport {
  resourceSpans: { scopeSpans: { spans: (Omit<ReceivedSpan, 'attributes'> & { attributes?: OtlpAttribute[] })[] }[] }[];
}

/** A minimal OTLP/HTTP receiver: what the exporter POSTs to /v1/traces, as JSON. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((incoming, outgoing) => {
    let body = '';
    incoming.on('data', (chunk) => (body += chunk));
    incoming.on('end', () => {
      if (incoming.url === '/v1/traces' && incoming.headers['content-type']?.includes('json')) {
        for (const resource of (JSON.parse(body) as OtlpExport).resourceSpans) {
          for (const scope of resource.scopeSpans) {
            for (const span of scope.spans) {
              const attributes = Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));
              spans.push({ ...span, attributes });
            }
          }
        }
      }
      outgoing.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

describe('OpenTelemetry traces, exported when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: TesseraInstance;
  let api: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startReceiver();
    server = await startTessera({
      preload: [PRELOAD],
      env: {
        DATABASE_URL: database.runtimeUrl,
        DATABASE_OWNER_URL: database.ownerUrl,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    api = server.origin;
  });
  afterAll(async () => {
    await server?.kill();
    await new Promise((resolve) => receiver.server.close(resolve));
    await database.drop();
  });

  it("links the HTTP span, the unit of work and its SQL in one trace, continuing the caller's", async () => {
    const callerTraceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    await request(api)
      .get('/api/tasks')
      .set(bearer(tokenFor({ tenant: TENANT, sub: 'alice' })))
      .set('traceparent', `00-${callerTraceId}-${callerSpanId}-01`)
      .expect(200);

    const inTrace = () => receiver.spans.filter((span) => span.traceId === callerTraceId);
    const sql = () => inTrace().filter((span) => span.attributes['db.system.name'] === 'postgresql');
    const selects = () => sql().filter((span) => /select/i.test(String(span.attributes['db.query.text'])));
    const serverSpan = () => inTrace().find((span) => span.kind === SERVER_KIND);
    // The HTTP span ends last, after the response: it may come in a later export than the SQL.
    await waitFor(async () => selects().length > 0 && serverSpan() !== undefined);

    const http = serverSpan();
    expect(http).toMatchObject({ name: 'GET /api/tasks', parentSpanId: callerSpanId, attributes: { 'http.route': '/api/tasks' } });
    const unitOfWork = inTrace().find((span) => span.name === 'unit of work');
    expect(unitOfWork).toMatchObject({ parentSpanId: http?.spanId, attributes: { 'tessera.tenant_id': TENANT } });

    const spanIds = new Map(inTrace().map((span) => [span.spanId, span]));
    const ancestors = (span: ReceivedSpan): string[] => {
      const parent = span.parentSpanId ? spanIds.get(span.parentSpanId) : undefined;
      return parent ? [parent.spanId, ...ancestors(parent)] : [];
    };
    for (const statement of sql()) {
      expect(ancestors(statement)).toContain(unitOfWork?.spanId);
      // The statement's text is recorded with its literals masked: no value (the tenant's among them) reaches the trace.
      expect(JSON.stringify(statement.attributes)).not.toContain(TENANT);
    }
  });

  it('leaves health probes untraced', async () => {
    await request(api).get('/health/live').expect(200);
    await request(api)
      .get('/api/dashboards')
      .set(bearer(tokenFor({ tenant: TENANT, sub: 'bob' })))
      .expect(200);
    // Spans are exported in the order they end: once the later request's is in, the probe's would be.
    await waitFor(async () => receiver.spans.some((span) => span.name === 'GET /api/dashboards'));
    const paths = receiver.spans.filter((span) => span.kind === SERVER_KIND).map((span) => span.attributes['url.path']);
    expect(paths).toContain('/api/dashboards');
    expect(paths.filter((path) => String(path).startsWith('/health'))).toEqual([]);
  });
});
