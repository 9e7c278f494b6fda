import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { SavedQueryRepository } from './saved-query.repository.js';

/** A named query definition, shared within the tenant; widgets may reference one (same tenant, by a composite key). */
@Entity({ tableName: 'saved_queries', repository: () => SavedQueryRepository, ...TENANT_ISOLATION })
@Unique({ name: 'saved_queries_tenant_name_key', properties: ['tenantId', 'name'] })
@Index({ name: 'saved_queries_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
export class SavedQuery extends TenantScopedEntity {
  [EntityRepositoryType]?: SavedQueryRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'jsonb' })
  query!: Record<string, unknown>;

  /** The creator, from the token. */
  @Property({ type: 'text', onCreate: () => TenantContext.current().actorId })
  ownerId!: string & Opt;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
