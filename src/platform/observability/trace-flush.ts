import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';

/**
 * Sends the spans still buffered when the application closes: the process exits right after (graceful
 * shutdown), and the last requests' traces are the ones an operator looks for. Without tracing the
 * provider is the API's no-op one, which has nothing to flush.
 */
@Injectable()
export class TraceFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    const provider = trace.getTracerProvider();
    const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
    await (delegate as { forceFlush?: () => Promise<void> }).forceFlush?.();
  }
}
