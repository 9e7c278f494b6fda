import { Injectable } from '@nestjs/common';
import { sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { AuditRangeQuery } from './dto/list-audit-logs.query.js';

export interface VerificationReport {
  ok: boolean;
  /** Entries whose hash and chain link were recomputed. */
  checked: number;
  /** The earliest entry found altered, or not linked to the entry before it in its chain. */
  firstBrokenEntryId?: string;
  problem?: string;
  /** False when the range held more than one call checks: call again with `from` = `nextFrom`. */
  complete: boolean;
  nextFrom?: Date;
}

type Problem = 'altered' | 'unlinked' | 'missing_before';

const PROBLEMS: Record<Problem, string> = {
  altered: 'The entry does not match its hash: it was changed after it was recorded.',
  unlinked: 'The entry does not link to the entry before it in its chain: entries were altered, inserted or reordered.',
  missing_before: 'Entries before this one in its chain are missing.',
};

/** Entries one call recomputes at most (about a second of database time), so verify never times out. */
const MAX_VERIFIED_ENTRIES = 100_000;

/**
 * Recomputes the current tenant's audit hash chains in the database, oldest first, over a time range
 * (`from` inclusive, `to` exclusive; the whole trail by default) and at most MAX_VERIFIED_ENTRIES
 * entries per call. Each entry must hash to its stored hash and link to its chain predecessor (even
 * one before the range); a chain's first entry starts at 1 or where the latest retention checkpoint
 * says it starts.
 */
@Injectable()
export class AuditVerification {
  constructor(private readonly em: EntityManager) {}

  async verify(range: AuditRangeQuery): Promise<VerificationReport> {
    const tenantId = TenantContext.current().tenantId;
    const from = range.from ?? null;
    const [boundary] = await this.em.execute<{ created_at: Date }[]>(sql`
      select created_at from audit_entries
      where tenant_id = ${tenantId}
        and (${from}::timestamptz is null or created_at >= ${from}::timestamptz)
        and (${range.to ?? null}::timestamptz is null or created_at < ${range.to ?? null}::timestamptz)
      order by created_at, id offset ${MAX_VERIFIED_ENTRIES} limit 1`);
    const to = boundary?.created_at ?? range.to ?? null;
    const [result] = await this.em.execute<{ checked: number; broken: { id: string; problem: Problem } | null }[]>(sql`
      with ranged as (
        select e.id, e.chain, e.chain_seq, e.prev_hash, e.created_at, e.hash = audit_entry_digest(e) as intact,
          lag(e.chain_seq) over w as previous_seq, lag(e.hash) over w as previous_hash
        from audit_entries e
        where e.tenant_id = ${tenantId}
          and (${from}::timestamptz is null or e.created_at >= ${from}::timestamptz)
          and (${to}::timestamptz is null or e.created_at < ${to}::timestamptz)
        window w as (partition by e.chain order by e.chain_seq)
      ),
      chain_starts as (
        select details -> 'chainStarts' as starts from audit_entries
        where tenant_id = ${tenantId} and action = 'audit.retention' order by created_at desc, id desc limit 1
      ),
      linked as (
        select r.*, case when r.previous_seq is null and r.chain_seq > 1 then (
          select p.hash from audit_entries p where p.tenant_id = ${tenantId} and p.chain = r.chain and p.chain_seq = r.chain_seq - 1
        ) end as predecessor_hash
        from ranged r
      ),
      judged as (
        select l.id, l.created_at, l.chain_seq, case
          when not l.intact then 'altered'
          when l.previous_seq is not null and l.chain_seq <> l.previous_seq + 1 then 'missing_before'
          when l.previous_seq is not null then case when l.prev_hash is distinct from l.previous_hash then 'unlinked' end
          when l.chain_seq = 1 then case when l.prev_hash is not null then 'unlinked' end
          when l.predecessor_hash is not null then case when l.prev_hash is distinct from l.predecessor_hash then 'unlinked' end
          when (select starts -> l.chain::text from chain_starts) = jsonb_build_object('seq', l.chain_seq - 1, 'hash', encode(l.prev_hash, 'hex')) then null
          else 'missing_before'
        end as problem
        from linked l
      )
      select (select count(*) from judged)::int as checked,
        (select jsonb_build_object('id', id, 'problem', problem) from judged where problem is not null order by created_at, chain_seq limit 1) as broken`);
    const progress = boundary ? { complete: false, nextFrom: boundary.created_at } : { complete: true };
    if (!result.broken) {
      return { ok: true, checked: result.checked, ...progress };
    }
    return { ok: false, checked: result.checked, firstBrokenEntryId: result.broken.id, problem: PROBLEMS[result.broken.problem], ...progress };
  }
}
