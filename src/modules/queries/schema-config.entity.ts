import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { SchemaConfigRepository } from './schema-config.repository.js';

/** The one schema configuration of a tenant: which tables and columns dashboards may query. */
@Entity({ tableName: 'schema_configs', repository: () => SchemaConfigRepository, ...TENANT_ISOLATION })
@Unique({ name: 'schema_configs_tenant_key', properties: ['tenantId'] })
export class SchemaConfig extends TenantScopedEntity {
  [EntityRepositoryType]?: SchemaConfigRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'jsonb' })
  tables!: unknown[];

  @Property({ type: 'integer' })
  version: number & Opt = 1;

  @Property({ type: 'text' })
  updatedBy!: string;

  @Property({ type: 'timestamptz', length: 3 })
  updatedAt: Date & Opt = new Date();
}
