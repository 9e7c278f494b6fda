import type { EntityOptions, Opt } from '@mikro-orm/core';
import { Filter, Property } from '@mikro-orm/decorators/legacy';
import { TenantContext } from './tenant-context.js';
import { TENANT_FILTER, TENANT_SETTING } from './tenant-scope.js';

/**
 * Base of every tenant-owned entity. The ORM filters it by the tenant of the tenant context (the filter
 * throws outside a tenant scope) and stamps `tenantId` on insert from the tenant context, never
 * from input. The database enforces the same with the policy in TENANT_ISOLATION. The ORM knows an
 * entity by its `id` alone (a UUIDv7, unique on its own), while the table's primary key is
 * (tenant_id, id), written by the migrations (ADR 0009): the target of the children's composite
 * foreign keys, so that no row can point into another tenant, and a key Citus can distribute by tenant.
 * The migrations snapshot, built from these entities, therefore still shows `id` as the primary key.
 */
@Filter({ name: TENANT_FILTER, cond: () => ({ tenantId: TenantContext.current().tenantId }), default: true })
export abstract class TenantScopedEntity {
  @Property({ type: 'text', onCreate: () => TenantContext.current().tenantId, hidden: true })
  tenantId!: string & Opt;
}

const tenantMatches = `tenant_id = current_setting('${TENANT_SETTING}', true)`;

/**
 * Entity options that enable and force row-level security with the tenant policy. Spread into every
 * tenant entity's @Entity(). An unset setting reads as NULL or '' and matches no row: fail closed.
 */
export const TENANT_ISOLATION: Pick<EntityOptions<object>, 'rowLevelSecurity' | 'policies'> = {
  rowLevelSecurity: 'force',
  policies: [{ name: 'tenant_isolation', using: tenantMatches, check: tenantMatches }],
};
