import type { Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../tenancy/tenant-scoped.entity.js';

/** The remembered outcome of a request sent with an Idempotency-Key, per tenant and actor. */
@Entity({ tableName: 'idempotency_keys', ...TENANT_ISOLATION })
@Unique({ name: 'idempotency_keys_tenant_actor_key_key', properties: ['tenantId', 'actorId', 'key'] })
// The hourly sweep finds expired keys of every tenant by it.
@Index({ name: 'idempotency_keys_expires_at_idx', properties: ['expiresAt'] })
export class IdempotencyKey extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  actorId: string;

  @Property({ type: 'text' })
  key: string;

  /** SHA-256 of method, path and canonical body: a reuse with anything else is refused. */
  @Property({ type: 'text' })
  fingerprint: string;

  @Property({ type: 'jsonb' })
  responseBody: unknown;

  @Property({ type: 'text', nullable: true })
  responseLocation?: string | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  expiresAt: Date;

  constructor(actorId: string, key: string, fingerprint: string, expiresAt: Date) {
    super();
    this.actorId = actorId;
    this.key = key;
    this.fingerprint = fingerprint;
    this.expiresAt = expiresAt;
  }
}
