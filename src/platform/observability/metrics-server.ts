import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { MetricsRegistry } from './metrics-registry.js';
import { TenantMetrics } from './tenant-metrics.js';

const METRICS_PATH = '/metrics';

/**
 * `GET /metrics` in Prometheus's text format, on a port of its own (METRICS_PORT), never on the API's:
 * a scraper needs no token, a load balancer forwards only the API port, and a tenant's JWT reaches
 * nothing here (the metrics show every tenant's load). Unset, no port is opened.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly tenants: TenantMetrics,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /** Where the endpoint listens, once it does. */
  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('METRICS_PORT', { infer: true });
    if (port === undefined) return;
    const host = this.config.get('METRICS_HOST', { infer: true }) ?? this.config.get('HOST', { infer: true });
    const server = createServer((request, response) => void this.answer(request.method, request.url, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`METRICS_PORT ${port} on ${host}: ${error.message}`, { cause: error })));
      server.listen(port, host, resolve);
    });
    this.server = server;
    this.logger.log(`Metrics at http://${host}:${this.address?.port}${METRICS_PATH}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise((resolve) => {
      server.close(resolve);
      // A scraper keeps its connection alive between scrapes: nothing in flight is worth waiting for.
      server.closeAllConnections();
    });
  }

  private async answer(method: string | undefined, url: string | undefined, response: ServerResponse): Promise<void> {
    if (url?.split('?')[0] !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`Only ${METRICS_PATH} is served here.\n`);
      return;
    }
    if (method !== 'GET') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end();
      return;
    }
    try {
      const text = await this.registry.metrics();
      response.writeHead(200, { 'content-type': this.registry.contentType }).end(text);
      // The window this scrape has read is ranked for the next one.
      this.tenants.startNewWindow();
    } catch (error) {
      this.logger.error({ err: error }, 'Could not collect the metrics');
      response.writeHead(500, { 'content-type': 'text/plain' }).end('The metrics could not be collected.\n');
    }
  }
}
