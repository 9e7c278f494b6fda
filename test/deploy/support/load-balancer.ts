import { Agent, request as httpRequest } from 'node:http';
import type { TesseraInstance } from '../../support/tessera-process.js';

export interface Answer {
  status: number;
  body: string;
  /** The origin of the instance that answered. */
  origin: string;
}

interface Backend {
  instance: TesseraInstance;
  agent: Agent;
  ready: boolean;
  probing: boolean;
  /** Failed probes in a row. */
  failures: number;
  /** Every readiness outcome that differed from the previous one: 200, 503…, or 'refused' and the like. */
  transitions: (number | string)[];
}

const PROBE_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 2_000;
/** Like Kubernetes' failureThreshold: one slow or failed probe of a busy instance does not take it out. */
const FAILURES_TO_TAKE_OUT = 3;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * What a load balancer does in front of Tessera instances, in-process: probes GET /health/ready of
 * each every 100 ms, takes an instance out after 3 failed probes in a row and back in after one that
 * answers 200, routes each request round-robin to the instances in, over keep-alive connections, and
 * retries nothing: a request that fails (refused, reset, any status) is the client's failure. So a
 * rolling restart passes only if readiness fails while the instance still serves
 * (SHUTDOWN_READINESS_DELAY_MS above the time to take it out) and in-flight requests drain.
 */
export class LoadBalancer {
  private readonly backends: Backend[] = [];
  private next = 0;
  private readonly timer = setInterval(() => {
    for (const backend of this.backends) void this.probe(backend);
  }, PROBE_INTERVAL_MS);

  /** Adds an instance, routed to once a probe finds it ready. */
  add(instance: TesseraInstance): void {
    this.backends.push({ instance, agent: new Agent({ keepAlive: true }), ready: false, probing: false, failures: 0, transitions: [] });
  }

  /** Stops routing to and probing an instance. */
  remove(instance: TesseraInstance): void {
    const index = this.backends.findIndex((backend) => backend.instance === instance);
    if (index >= 0) this.backends.splice(index, 1)[0].agent.destroy();
  }

  /** Resolves once a probe has found the instance ready (it is then routed to). */
  async untilReady(instance: TesseraInstance, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.backends.find((backend) => backend.instance === instance)?.ready) {
      if (Date.now() > deadline) throw new Error(`${instance.origin} was not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS / 2));
    }
  }

  /** The distinct readiness outcomes the instance went through, in order (e.g. [200, 503, 'ECONNREFUSED']). */
  readinessTransitions(instance: TesseraInstance): (number | string)[] {
    return this.backends.find((backend) => backend.instance === instance)?.transitions ?? [];
  }

  /** One request to a ready instance; rejects when none is ready or the connection fails. */
  request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
    const ready = this.backends.filter((backend) => backend.ready);
    if (ready.length === 0) return Promise.reject(new Error('no instance is ready'));
    const backend = ready[this.next++ % ready.length];
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        `${backend.instance.origin}${path}`,
        {
          method,
          agent: backend.agent,
          headers: { ...headers, ...(payload !== undefined && { 'content-type': 'application/json' }) },
        },
        (incoming) => {
          let text = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (text += chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text, origin: backend.instance.origin }));
          incoming.on('error', reject);
        },
      );
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      outgoing.on('error', (error) => reject(new Error(`${method} ${path} on ${backend.instance.origin}: ${error.message}`)));
      outgoing.end(payload);
    });
  }

  close(): void {
    clearInterval(this.timer);
    for (const backend of this.backends) backend.agent.destroy();
  }

  /** One probe at a time per instance, so that outcomes are recorded in the order they happened. */
  private async probe(backend: Backend): Promise<void> {
    if (backend.probing) return;
    backend.probing = true;
    const outcome = await fetch(`${backend.instance.origin}/health/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      (error: Error) => String((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.name),
    );
    backend.probing = false;
    if (backend.transitions.at(-1) !== outcome) backend.transitions.push(outcome);
    backend.failures = outcome === 200 ? 0 : backend.failures + 1;
    if (outcome === 200) backend.ready = true;
    if (backend.failures >= FAILURES_TO_TAKE_OUT) backend.ready = false;
  }
}
