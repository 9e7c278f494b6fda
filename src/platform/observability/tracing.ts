import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getNumberFromEnv, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createAddHookMessageChannel } from 'import-in-the-middle';

/** Probes and scrapes arrive every few seconds and say nothing a trace would add. */
const UNTRACED_PATHS = /^\/(health\/|metrics(\?|$))/;

/** A quoted literal in SQL text: a value written into the statement (as MikroORM writes the session settings). */
const SQL_LITERAL = /'(?:[^']|'')*'/g;

/**
 * Traces to OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP, JSON): a span per HTTP request (named by its
 * route), the unit of work inside it, and a span per SQL statement of that unit of work. SQL spans
 * carry the statement text with its literals masked, never its values (they are tenants' data, and
 * the actor's id and address are written into each unit of work's first statement); statements outside a
 * request (the availability probe, jobs' own connections) start no trace of their own. The exporter
 * reads the standard OTEL_EXPORTER_OTLP_* variables itself (headers, timeout, a traces-only endpoint);
 * OTEL_SERVICE_NAME and OTEL_BSP_SCHEDULE_DELAY are honoured too.
 */
export async function startTracing(): Promise<void> {
  // Only the modules the instrumentations name are wrapped, not every import.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'tessera' }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY') }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? '') }),
      new PgInstrumentation({
        requireParentSpan: true,
        enhancedDatabaseReporting: false,
        requestHook: (span, { query }) => span.setAttribute('db.query.text', query.text.replace(SQL_LITERAL, '?')),
      }),
    ],
  });
  await waitForAllMessagesAcknowledged();
}
