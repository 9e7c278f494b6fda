import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../../platform/tenancy/tenant-scoped.entity.js';
import { OpenLineageEventRepository } from './openlineage-event.repository.js';

/**
 * An OpenLineage run event already applied, by its identity (run, type, time): a producer that
 * retries after a timeout replays events, and each must count once.
 */
@Entity({ tableName: 'openlineage_events', repository: () => OpenLineageEventRepository, ...TENANT_ISOLATION })
@Unique({ name: 'openlineage_events_tenant_event_key', properties: ['tenantId', 'runId', 'eventType', 'eventTime'] })
export class OpenLineageEvent extends TenantScopedEntity {
  [EntityRepositoryType]?: OpenLineageEventRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  runId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  @Property({ type: 'timestamptz' })
  eventTime!: Date;

  @Property({ type: 'uuid' })
  executionId!: string;

  @Property({ type: 'timestamptz', length: 3 })
  receivedAt: Date & Opt = new Date();
}
