import { SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('tessera');

/**
 * Runs a tenant's unit of work inside a span, between the HTTP span and the SQL spans. The tenant id
 * is recorded as it is: traces go to the operator's backend, where finding a tenant's slow requests
 * is the point, and span attributes cost no series. Without tracing this is the API's no-op tracer.
 */
export function inUnitOfWorkSpan<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan('unit of work', { attributes: { 'tessera.tenant_id': tenantId } }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
