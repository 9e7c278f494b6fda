import { type EntityManager, EntityRepository } from '@mikro-orm/postgresql';
import { TenantContext } from '../tenancy/tenant-context.js';

/**
 * The base of every module's repositories. `this.em` is the global manager, which resolves to the
 * unit of work of the current tenant scope (its fork and transaction): a repository never forks.
 */
export abstract class TenantRepository<T extends object> extends EntityRepository<T> {
  /** The PostgreSQL manager it is (MikroORM's base class types it as any SQL driver's). */
  declare protected readonly em: EntityManager;

  /** Writes the changes made to entities read in this unit of work (and any added but not yet written). */
  async flush(): Promise<void> {
    await this.em.flush();
  }

  /**
   * The tenant, for statements of our own SQL: the ORM's tenant filter does not reach them, so they
   * name the tenant themselves (which also lets them use the tenant-first indexes); row-level security
   * holds underneath regardless.
   */
  protected tenantId(): string {
    return TenantContext.current().tenantId;
  }
}
