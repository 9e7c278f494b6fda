import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { MetricsRegistry } from './metrics-registry.js';
import { OTHER_TENANTS, TenantMetrics } from './tenant-metrics.js';

const TOP_N = 2;

describe('TenantMetrics', () => {
  let registry: MetricsRegistry;
  let metrics: TenantMetrics;
  beforeEach(() => {
    registry = new MetricsRegistry();
    metrics = new TenantMetrics(registry, new ConfigService<Environment, true>({ METRICS_TENANT_TOP_N: TOP_N } as Environment));
  });
  afterEach(() => registry.clear());

  const requestsByTenant = async () => {
    const { values } = await registry.getSingleMetric('tenant_requests_total')!.get();
    return Object.fromEntries(values.map(({ labels, value }) => [String(labels.tenant), value]));
  };
  const send = (tenant: string, times = 1) => {
    for (let sent = 0; sent < times; sent++) metrics.record(tenant);
  };

  it('names the first tenants while labels are free, then counts the rest as other', async () => {
    send('a');
    send('b');
    send('c', 3);
    expect(await requestsByTenant()).toEqual({ a: 1, b: 1, [OTHER_TENANTS]: 3 });
  });

  it("hands the labels to the busiest tenants of the last window, never moving counts or shrinking other's", async () => {
    const otherSeen: number[] = [];
    for (let window = 0; window < 5; window++) {
      // Each window a different pair is busiest.
      for (const [index, tenant] of ['a', 'b', 'c', 'd', 'e'].entries()) {
        send(tenant, index === window || index === (window + 1) % 5 ? 5 : 1);
      }
      const counts = await requestsByTenant();
      expect(Object.keys(counts).length).toBeLessThanOrEqual(TOP_N + 1);
      otherSeen.push(counts[OTHER_TENANTS] ?? 0);
      metrics.startNewWindow();
    }
    expect(otherSeen).toEqual([...otherSeen].sort((x, y) => x - y));
    send('a');
    // Window 4 made e and a the busiest (indexes 4 and 0).
    const counts = await requestsByTenant();
    expect(Object.keys(counts).sort()).toEqual(['a', 'e', OTHER_TENANTS]);
    // a counts under its own name only from its promotion on; e kept its series (busiest in windows 3 and 4).
    expect(counts.a).toBe(1);
    expect(counts.e).toBe(5);
  });

  it('counts a refusal under the same label as the request, by reason', async () => {
    metrics.record('a', 'pool_share');
    const { values } = await registry.getSingleMetric('tenant_rejections_total')!.get();
    expect(values).toEqual([expect.objectContaining({ labels: { tenant: 'a', reason: 'pool_share' }, value: 1 })]);
  });
});
