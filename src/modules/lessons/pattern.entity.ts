import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AGENT_TYPES, type AgentType } from '../shared/agent-type.js';
import { PatternRepository } from './pattern.repository.js';

/**
 * A recurring pattern, counted. One row per tenant, type, agent type and pattern; the pattern is
 * compared as jsonb (key order does not matter) through a generated hash column, see the migration.
 */
@Entity({ tableName: 'patterns', repository: () => PatternRepository, ...TENANT_ISOLATION })
@Index({ name: 'patterns_tenant_frequency_idx', properties: ['tenantId', 'frequency', 'id'] })
@Index({ name: 'patterns_tenant_last_seen_idx', properties: ['tenantId', 'lastSeen', 'id'] })
export class Pattern extends TenantScopedEntity {
  [EntityRepositoryType]?: PatternRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  type!: string;

  @Enum({ items: () => [...AGENT_TYPES], type: 'text', nullable: true })
  agentType?: AgentType | null;

  @Property({ type: 'jsonb' })
  pattern!: unknown;

  @Property({ type: 'integer' })
  frequency: number & Opt = 1;

  @Property({ type: 'timestamptz', length: 3 })
  lastSeen: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();
}
