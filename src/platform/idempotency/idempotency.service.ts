import { createHmac, randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AdvisoryLockClass } from '../database/advisory-locks.js';
import { queryRow, sql } from '../database/sql/sql.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { TenantContext } from '../tenancy/tenant-context.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

/** How long a key is remembered; a reuse after that is a new request. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdempotentOutcome {
  body: unknown;
  location?: string;
  replayed: boolean;
}

/**
 * Runs a request at most once per (tenant, actor, key). Lives inside the request's transaction: the
 * remembered outcome commits with the work, or neither does. A transaction-level advisory lock on the
 * key (its own lock class, see AdvisoryLockClass) tells a concurrent duplicate that the first is still
 * running (409) instead of letting it wait.
 */
@Injectable()
export class IdempotencyService {
  /**
   * Keys the in-progress lock: the client chooses the key, so without a secret it could search for
   * one whose lock equals another tenant's. Per process: two instances lock differently, and the
   * unique (tenant, actor, key) row still refuses the second of two concurrent duplicates.
   */
  private readonly lockSecret = randomBytes(32);

  constructor(private readonly em: EntityManager) {}

  async run(key: string, fingerprint: string, work: () => Promise<Omit<IdempotentOutcome, 'replayed'>>): Promise<IdempotentOutcome> {
    const { tenantId, actorId } = TenantContext.current();
    const lock = await queryRow(
      this.em,
      sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(${AdvisoryLockClass.Idempotency}::int4, ${this.lockKey(tenantId, actorId, key)}::int4) as locked`,
    );
    if (!lock?.locked) {
      throw new ProblemException(
        PlatformProblems.types['idempotency-key-in-use'],
        'A request with this Idempotency-Key is still in progress; retry it later.',
      );
    }

    const remembered = await this.em.findOne(IdempotencyKey, { actorId, key });
    if (remembered && remembered.expiresAt > new Date()) {
      if (remembered.fingerprint !== fingerprint) {
        throw new ProblemException(
          PlatformProblems.types['idempotency-key-reused'],
          'This Idempotency-Key was already used with a different request.',
        );
      }
      return { body: remembered.responseBody, location: remembered.responseLocation ?? undefined, replayed: true };
    }

    const outcome = await work();
    // This key, if it expired, goes now to make room; the others go with the hourly sweep.
    if (remembered) await this.em.nativeDelete(IdempotencyKey, { id: remembered.id });
    const record = new IdempotencyKey(actorId, key, fingerprint, new Date(Date.now() + IDEMPOTENCY_KEY_TTL_MS));
    record.responseBody = outcome.body;
    record.responseLocation = outcome.location ?? null;
    this.em.persist(record);
    return { ...outcome, replayed: false };
  }

  /** The second key of the lock, within the idempotency lock class: 32 bits of a keyed hash. */
  private lockKey(tenantId: string, actorId: string, key: string): number {
    return createHmac('sha256', this.lockSecret)
      .update(JSON.stringify([tenantId, actorId, key]))
      .digest()
      .readInt32BE(0);
  }
}
