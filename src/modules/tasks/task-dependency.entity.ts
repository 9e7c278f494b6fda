import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { TaskDependencyRepository } from './task-dependency.repository.js';

/** An edge of the dependency graph: `taskId` may only run once `dependsOnId` has completed. */
@Entity({ tableName: 'task_dependencies', repository: () => TaskDependencyRepository, ...TENANT_ISOLATION })
@Unique({ name: 'task_dependencies_tenant_edge_key', properties: ['tenantId', 'taskId', 'dependsOnId'] })
@Index({ name: 'task_dependencies_tenant_depends_on_idx', properties: ['tenantId', 'dependsOnId'] })
export class TaskDependency extends TenantScopedEntity {
  [EntityRepositoryType]?: TaskDependencyRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  taskId: string;

  @Property({ type: 'uuid' })
  dependsOnId: string;

  constructor(taskId: string, dependsOnId: string) {
    super();
    this.taskId = taskId;
    this.dependsOnId = dependsOnId;
  }
}
