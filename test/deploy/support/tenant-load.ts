import { setTimeout as sleep } from 'node:timers/promises';
import { tokenFor } from '../../support/tokens.js';
import type { Answer, LoadBalancer } from './load-balancer.js';

/** A list route and how to create one of its items, the tenant's marker in a field of each. */
interface Resource {
  path: string;
  create(marker: string): Record<string, unknown>;
  /** The field of a list item that carries the marker. */
  field: string;
}

const RESOURCES: Resource[] = [
  { path: '/api/tasks', create: (marker) => ({ prompt: marker }), field: 'prompt' },
  { path: '/api/dashboards', create: (marker) => ({ name: marker }), field: 'name' },
  { path: '/api/lessons', create: (marker) => ({ category: 'deploy', title: marker, summary: 'written under load' }), field: 'title' },
];

const FAILURE_PAUSE_MS = 100;

export interface LoadOutcome {
  requests: number;
  listItemsChecked: number;
  /** Every request that did not answer 2xx, or did not answer at all. */
  failures: string[];
  /** List items that were not the caller's: another tenant's marker, or an id the caller never created. */
  foreignItems: string[];
  /** Requests answered, per instance origin. */
  answeredBy: Map<string, number>;
}

interface Tenant {
  id: string;
  headers: Record<string, string>;
  created: Set<string>;
  /** Ids seen in lists, checked against `created` once every create has answered. */
  listed: Map<string, string>;
}

/**
 * Interleaved load from many tenants through the load balancer: each tenant runs `workersPerTenant`
 * loops that create an item (its marker `<tenant>/<n>` in a title-like field) and read a list, across
 * tasks, dashboards and lessons in turn, until `stop` resolves. Every list item is checked to carry
 * the caller's marker and, at the end, to be one of the ids the caller created.
 */
export async function driveTenantLoad(
  balancer: LoadBalancer,
  options: { tenants: number; workersPerTenant: number; stop: Promise<unknown> },
): Promise<LoadOutcome> {
  const run = `${Date.now().toString(36)}`;
  const tenants: Tenant[] = Array.from({ length: options.tenants }, (_, index) => {
    const id = `load-${run}-${index}`;
    return {
      id,
      headers: { Authorization: `Bearer ${tokenFor({ tenant: id, sub: 'loader', roles: ['admin'] }, { expiresIn: '1h' })}` },
      created: new Set(),
      listed: new Map(),
    };
  });
  const outcome: LoadOutcome = { requests: 0, listItemsChecked: 0, failures: [], foreignItems: [], answeredBy: new Map() };
  let stopped = false;
  void options.stop.then(() => (stopped = true));

  const send = async (method: string, path: string, tenant: Tenant, body?: unknown): Promise<Answer | undefined> => {
    outcome.requests += 1;
    try {
      const answer = await balancer.request(method, path, tenant.headers, body);
      outcome.answeredBy.set(answer.origin, (outcome.answeredBy.get(answer.origin) ?? 0) + 1);
      if (answer.status >= 200 && answer.status < 300) return answer;
      outcome.failures.push(`${method} ${path} (${tenant.id}) on ${answer.origin}: ${answer.status} ${answer.body.slice(0, 300)}`);
    } catch (error) {
      outcome.failures.push(`${method} ${path} (${tenant.id}): ${(error as Error).message}`);
    }
    // A failure may come back at once (no instance ready): pause, so that a failing run cannot spin.
    await sleep(FAILURE_PAUSE_MS);
    return undefined;
  };

  const worker = async (tenant: Tenant, worker: number) => {
    for (let step = 0; !stopped; step += 1) {
      const resource = RESOURCES[(step + worker) % RESOURCES.length];
      const created = await send('POST', resource.path, tenant, resource.create(`${tenant.id}/${worker}-${step}`));
      if (created) tenant.created.add(JSON.parse(created.body).id);
      const list = await send('GET', `${resource.path}?limit=50`, tenant);
      if (!list) continue;
      for (const item of JSON.parse(list.body).items as Record<string, string>[]) {
        outcome.listItemsChecked += 1;
        tenant.listed.set(item.id, `${resource.path} item ${item.id} "${item[resource.field]}" listed for ${tenant.id}`);
        if (!item[resource.field]?.startsWith(`${tenant.id}/`)) outcome.foreignItems.push(tenant.listed.get(item.id) as string);
      }
    }
  };

  await Promise.all(tenants.flatMap((tenant) => Array.from({ length: options.workersPerTenant }, (_, index) => worker(tenant, index))));
  for (const tenant of tenants) {
    for (const [id, description] of tenant.listed)
      if (!tenant.created.has(id)) outcome.foreignItems.push(`${description}: not created by it`);
  }
  return outcome;
}
