import { Injectable } from '@nestjs/common';
import { AuditEntryRepository, type ChainProblem } from './audit-entry.repository.js';
import type { AuditRangeQuery } from './dto/list-audit-logs.query.js';

export interface VerificationReport {
  ok: boolean;
  /** Sealed entries whose hash and chain link were recomputed (every sealed entry of the call's range). */
  checked: number;
  /**
   * Entries of the range not sealed yet: written by transactions that committed while this call
   * sealed (they are sealed by the next run). Nothing proves their integrity until then.
   */
  unsealed: number;
  /** The earliest entry found altered, or not linked to the entry before it in its chain. */
  firstBrokenEntryId?: string;
  problem?: string;
  /** False when the range held more than one call checks: call again with `from` = `nextFrom`. */
  complete: boolean;
  nextFrom?: Date;
}

const PROBLEMS: Record<ChainProblem, string> = {
  altered: 'The entry does not match its hash: it was changed after it was recorded.',
  unlinked: 'The entry does not link to the entry before it in its chain: entries were altered, inserted or reordered.',
  missing_before: 'Entries before this one in its chain are missing.',
};

/** Entries one call recomputes at most (about a second of database time), so verify never times out. */
const MAX_VERIFIED_ENTRIES = 100_000;

/**
 * Seals the current tenant's pending entries (everything committed so far), then recomputes its
 * audit hash chains in the database, oldest first, over a time range (`from` inclusive, `to`
 * exclusive; the whole trail by default) and at most MAX_VERIFIED_ENTRIES entries per call. Each
 * sealed entry must hash to its stored hash and link to its chain predecessor (even one before the
 * range); a chain's first entry starts at 1 or where the latest retention checkpoint says it starts.
 * Entries committed during the call may remain unsealed: they are counted, not checked.
 */
@Injectable()
export class AuditVerification {
  constructor(private readonly entries: AuditEntryRepository) {}

  async verify(range: AuditRangeQuery): Promise<VerificationReport> {
    await this.entries.sealPending(true);
    const boundary = await this.entries.rangeEndAfter(range, MAX_VERIFIED_ENTRIES);
    const checkedRange = { from: range.from, to: boundary ?? range.to };
    const result = await this.entries.checkChains(checkedRange);
    const counts = { checked: result.checked, unsealed: await this.entries.countUnsealed(checkedRange) };
    const progress = boundary ? { complete: false, nextFrom: boundary } : { complete: true };
    if (!result.broken) {
      return { ok: true, ...counts, ...progress };
    }
    return {
      ok: false,
      ...counts,
      firstBrokenEntryId: result.broken.id,
      problem: PROBLEMS[result.broken.problem],
      ...progress,
    };
  }
}
