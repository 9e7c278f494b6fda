import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AuditEntryRepository } from './audit-entry.repository.js';

/**
 * One audit entry. Written only by the database: the `audit_capture` trigger on every audited table,
 * or an INSERT of its kind, resource and details, which the `audit_entries_stamp` trigger completes
 * (actor, origin, time, the writer's transaction id). `audit_seal_pending()` later links it into the
 * tenant's hash chain (chain, sequence, hashes: null until then); nothing else may UPDATE or DELETE
 * it (see the audit migrations, ADR 0004). The application reads it, and inserts events, through
 * AuditEntryRepository.
 */
@Entity({ tableName: 'audit_entries', repository: () => AuditEntryRepository, ...TENANT_ISOLATION })
@Index({ name: 'audit_entries_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
@Index({ name: 'audit_entries_tenant_actor_idx', properties: ['tenantId', 'actorId', 'createdAt', 'id'] })
@Index({ name: 'audit_entries_tenant_resource_idx', properties: ['tenantId', 'resourceType', 'resourceId', 'createdAt', 'id'] })
@Index({ name: 'audit_entries_tenant_action_idx', properties: ['tenantId', 'action', 'createdAt', 'id'] })
@Index({ name: 'audit_entries_tenant_request_idx', properties: ['tenantId', 'requestId'] })
@Unique({ name: 'audit_entries_chain_key', properties: ['tenantId', 'chain', 'chainSeq'] })
export class AuditEntry extends TenantScopedEntity {
  [EntityRepositoryType]?: AuditEntryRepository;

  @PrimaryKey({ type: 'uuid' })
  id!: string & Opt;

  /** The writer's transaction: the sealer orders a run's entries by it. Null on entries sealed by their writer (before sealing moved off the write path). */
  @Property({ type: 'xid8', nullable: true })
  xid?: string | null;

  /** Which of the tenant's hash chains holds the entry, and its place in it (from 1); null until sealed. */
  @Property({ type: 'smallint', nullable: true })
  chain?: number | null;

  @Property({ type: 'bigint', nullable: true })
  chainSeq?: string | null;

  @Property({ type: 'bytea', nullable: true })
  prevHash?: Buffer | null;

  @Property({ type: 'bytea', nullable: true })
  hash?: Buffer | null;

  @Property({ type: 'text' })
  actorId!: string & Opt;

  @Property({ type: 'text[]' })
  actorRoles!: string[] & Opt;

  /** Byte order ("C"), so that a prefix (`task.%`) is an index range under any database locale. */
  @Property({ type: 'text', collation: 'C' })
  action!: string;

  @Property({ type: 'text' })
  resourceType!: string;

  @Property({ type: 'text', nullable: true })
  resourceId?: string | null;

  @Property({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Property({ type: 'text', nullable: true })
  ipAddress?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt!: Date & Opt;
}
