/**
 * The deploy tier's building blocks (`npm run test:deploy`): a migrated PostgreSQL of the test's own,
 * PgBouncer in transaction mode in front of it, and built Tessera servers as child processes.
 *
 *   const database = await startDeployDatabase();
 *   const bouncer = await startPgBouncer(database);
 *   const tessera = await startTessera({ env: { DATABASE_URL: bouncer.runtimeUrl, DATABASE_OWNER_URL: database.ownerUrl } });
 *   …
 *   await tessera.stop(); await bouncer.stop(); await database.stop();
 *
 * LoadBalancer routes requests to ready instances as a load balancer would (no retries);
 * driveTenantLoad sends interleaved load from many tenants through it and checks every list item.
 * Other system programs (redis-server…) are found with findSystemBinary.
 */

export { startTessera, type TesseraInstance, type TesseraOptions } from '../../support/tessera-process.js';
export { type DeployDatabase, type Login, startDeployDatabase } from './deploy-database.js';
export { type Answer, LoadBalancer } from './load-balancer.js';
export { type PgBouncer, type PgBouncerOptions, startPgBouncer } from './pgbouncer.js';
export { findSystemBinary } from './system-binary.js';
export { driveTenantLoad, type LoadOutcome } from './tenant-load.js';
