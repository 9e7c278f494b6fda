import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/environment.js';
import { type SeedShape, tenantName } from './seed.js';

/** What every benchmark mode shares: the data set's shape, the load, where the database and servers run. */
export const SHAPE: SeedShape = { tenants: 1_000, tasksPerTenant: 150, largeTenantTasks: 50_000 };
export const DASHBOARDS_PER_TENANT = 20;
export const WIDGETS_PER_DASHBOARD = 6;
export const BENCH_USER = 'bench-user';
export const LESSONS_PER_TENANT = 1_000;
export const SEARCH_QUERY = 'retry budget';
/** SEARCH_QUERY misspelled: full-text search finds nothing, the typo fallback corrects it. */
export const TYPO_QUERY = 'retyr budgte';
export const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 20);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const DATA_DIR = process.env.BENCH_DATA_DIR ?? '.data/bench-postgres';
export const DATABASE_PORT = Number(process.env.BENCH_DATABASE_PORT ?? 54331);
export const HTTP_PORT = Number(process.env.BENCH_HTTP_PORT ?? 3100);

/** A token per tenant (by tenant index), for the benchmark's user with these roles. */
export const tokensOf = (roles: string[]) =>
  Array.from({ length: SHAPE.tenants }, (_, index) =>
    jwt.sign({ tenant_id: tenantName(index + 1), roles }, DEVELOPMENT_JWT_SECRET, { subject: BENCH_USER, expiresIn: '1h' }),
  );
