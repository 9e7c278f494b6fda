import type { Opt } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AGENT_TYPES, type AgentType } from '../shared/agent-type.js';

/** An agent's self-review of one execution. Scores are fractions from 0 to 1. */
@Entity({ tableName: 'execution_reviews', ...TENANT_ISOLATION })
@Index({ name: 'execution_reviews_tenant_execution_idx', properties: ['tenantId', 'executionId', 'iteration'] })
@Check({
  name: 'execution_reviews_scores_check',
  expression:
    'least(quality_score, completeness_score, correctness_score, overall_score) >= 0 and greatest(quality_score, completeness_score, correctness_score, overall_score) <= 1',
})
export class ExecutionReview extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  executionId!: string;

  @Property({ type: 'integer' })
  iteration!: number;

  /** The agent that wrote the review (reviews written before it was recorded take their execution's agent). */
  @Enum({ items: () => [...AGENT_TYPES], type: 'text' })
  agentType!: AgentType;

  @Property({ type: 'double' })
  qualityScore!: number;

  @Property({ type: 'double' })
  completenessScore!: number;

  @Property({ type: 'double' })
  correctnessScore!: number;

  @Property({ type: 'double' })
  overallScore!: number;

  @Property({ type: 'jsonb' })
  gaps: string[] & Opt = [];

  @Property({ type: 'jsonb' })
  requirements: string[] & Opt = [];

  @Property({ type: 'text' })
  decision!: string;

  @Property({ type: 'text', nullable: true })
  reasoning?: string | null;

  @Property({ type: 'integer', nullable: true })
  durationMs?: number | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();
}
