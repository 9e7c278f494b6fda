import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { ProjectRepository } from './project.repository.js';

/** The unit that tasks (and optionally dashboards) belong to: named, described, configured, archived instead of deleted while it has work. */
@Entity({ tableName: 'projects', repository: () => ProjectRepository, ...TENANT_ISOLATION })
@Unique({ name: 'projects_tenant_name_key', properties: ['tenantId', 'name'] })
@Index({ name: 'projects_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
export class Project extends TenantScopedEntity {
  [EntityRepositoryType]?: ProjectRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** Free-form configuration (e.g. the default agent config of its tasks), capped. */
  @Property({ type: 'jsonb' })
  settings: Record<string, unknown> & Opt = {};

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  archivedAt?: Date | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
