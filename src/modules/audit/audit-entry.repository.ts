import type { Expression, SqlBool } from 'kysely';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, queryRows, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { encodeCursor, keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import type { AuditTables } from './audit.tables.js';
import type { AuditEntry } from './audit-entry.entity.js';
import type { AuditEntryRow } from './audit-entry.view.js';
import type { FamilyCount } from './audit-stats.js';
import type { StatsBucket } from './dto/audit-stats.query.js';
import type { AuditFilterQuery, AuditRangeQuery } from './dto/list-audit-logs.query.js';

/** What changes no row but belongs in the trail: the stamping trigger adds actor, origin and time, the sealer the chain link. */
export interface AuditEvent {
  action: string;
  resourceType: string;
  details: Record<string, unknown>;
}

/** Why an entry breaks its chain. */
export type ChainProblem = 'altered' | 'unlinked' | 'missing_before';

/** What one verification statement found: how many entries it recomputed, and the earliest broken one. */
export interface ChainCheck {
  checked: number;
  broken: { id: string; problem: ChainProblem } | null;
}

/** The list's filters over alias `a`, each value bound. */
function auditFilters(filters: AuditFilterQuery): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const column = (name: string) => sql.ref(`a.${name}`);
  if (filters.actorId) conditions.push(sql<SqlBool>`${column('actor_id')} = ${filters.actorId}`);
  if (filters.action) {
    // A prefix is a range of the action index (byte-order collation); `_` is a wildcard to LIKE.
    conditions.push(
      filters.action.endsWith('.')
        ? sql<SqlBool>`${column('action')} like ${`${filters.action.replaceAll('_', '\\_')}%`}`
        : sql<SqlBool>`${column('action')} = ${filters.action}`,
    );
  }
  if (filters.resourceType) conditions.push(sql<SqlBool>`${column('resource_type')} = ${filters.resourceType}`);
  if (filters.resourceId) conditions.push(sql<SqlBool>`${column('resource_id')} = ${filters.resourceId}`);
  if (filters.requestId) conditions.push(sql<SqlBool>`${column('request_id')} = ${filters.requestId}`);
  if (filters.from) conditions.push(sql<SqlBool>`${column('created_at')} >= ${filters.from}`);
  if (filters.to) conditions.push(sql<SqlBool>`${column('created_at')} < ${filters.to}`);
  return conditions;
}

/** Newest first, over rows that hold instants as ISO text (node-postgres hands the ORM's connection timestamps as text). */

const EXAMPLE_FILTERS: AuditFilterQuery = {
  actorId: 'user-1',
  action: 'task.',
  resourceType: 'task',
  resourceId: EXAMPLE_ID,
  requestId: 'request-1',
  from: new Date('2026-01-01T00:00:00.000Z'),
  to: new Date('2026-02-01T00:00:00.000Z'),
};
const EXAMPLE_CURSOR = encodeCursor(NEWEST_FIRST, { id: EXAMPLE_ID, createdAt: new Date('2026-01-15T00:00:00.000Z') });
const EXAMPLE_RANGE: AuditRangeQuery = { from: EXAMPLE_FILTERS.from, to: EXAMPLE_FILTERS.to };

/**
 * The SQL of the audit trail. Entries are only ever inserted (the stamping trigger completes them);
 * the database's sealer links them into the tenant's hash chain later, and no role may change them
 * otherwise. Statements name the tenant themselves (Kysely is not filtered by the ORM), and row-level
 * security holds underneath regardless.
 */
export class AuditEntryRepository extends TenantRepository<AuditEntry> {
  @RecordSql([{ action: 'access.denied', resourceType: 'access', details: { method: 'GET', path: '/api/audit-logs', reason: 'role' } }])
  async add(event: AuditEvent): Promise<void> {
    await queryRows(
      this.em,
      this.kysely()
        .insertInto('audit_entries')
        .values({
          tenant_id: this.tenantId(),
          action: event.action,
          resource_type: event.resourceType,
          resource_id: null,
          details: JSON.stringify(event.details),
        }),
    );
  }

  /**
   * Links the tenant's unsealed entries into its chain (the database's audit_seal_pending(), in this
   * unit of work) and returns how many it sealed. `wait` false: null at once when another sealer of
   * the tenant is running (it seals them instead).
   */
  @RecordSql([true], [false])
  async sealPending(wait: boolean): Promise<number | null> {
    return (await queryRow(this.em, sql<{ sealed: number | null }>`select audit_seal_pending(${wait}) as sealed`))!.sealed;
  }

  @RecordSql([EXAMPLE_ID])
  byId(id: string): Promise<AuditEntryRow | undefined> {
    return queryRow(this.em, this.selectRows().where('a.id', '=', id));
  }

  /** Matching entries, newest first. */
  @RecordSql(
    [{}, { limit: 50 }],
    [EXAMPLE_FILTERS, { limit: 1000, cursor: EXAMPLE_CURSOR }],
    [{ action: 'task.transition' }, { limit: 50 }],
  )
  page(filters: AuditFilterQuery, query: PageQuery): Promise<Page<AuditEntryRow>> {
    const select = auditFilters(filters).reduce((statement, condition) => statement.where(condition), this.selectRows());
    return keysetPage(this.em, select, 'a', query, NEWEST_FIRST);
  }

  /**
   * How many entries match: exact, index-only on the tenant's index the filters lead with (actor,
   * action, resource, request, or created-at for a time range alone). Its cost grows with the entries
   * counted, so the route is an expensive read.
   */
  @RecordSql([{}], [EXAMPLE_FILTERS], [{ action: 'dashboard.', from: EXAMPLE_FILTERS.from }])
  async countMatching(filters: AuditFilterQuery): Promise<number> {
    const select = auditFilters(filters).reduce(
      (statement, condition) => statement.where(condition),
      this.kysely()
        .selectFrom('audit_entries as a')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('a.tenant_id', '=', this.tenantId()),
    );
    return (await queryRow(this.em, select))!.count;
  }

  /**
   * Entries per UTC bucket and action family (the action up to its first dot) over [from, to): one
   * range scan of the tenant's created-at index, its width capped by the caller (AuditLogService).
   */
  @RecordSql([{ from: EXAMPLE_FILTERS.from!, to: EXAMPLE_FILTERS.to! }, 'day'])
  activityByFamily(range: { from: Date; to: Date }, bucket: StatsBucket): Promise<FamilyCount[]> {
    return queryRows(
      this.em,
      sql<FamilyCount>`
        select ${isoInstant(sql`date_trunc(${bucket}, a.created_at, 'UTC')`)} as bucket, split_part(a.action, '.', 1) as family, count(*)::int as count
        from audit_entries a
        where a.tenant_id = ${this.tenantId()} and a.created_at >= ${range.from} and a.created_at < ${range.to}
        group by 1, 2
        order by 1, 2`,
    );
  }

  /** When the `limit`+1-th sealed entry of the range, oldest first, was recorded: where a bounded walk must stop. */
  @RecordSql([{}, 100_000], [EXAMPLE_RANGE, 100_000])
  async rangeEndAfter(range: AuditRangeQuery, limit: number): Promise<Date | undefined> {
    const row = await queryRow(
      this.em,
      this.kysely()
        .selectFrom('audit_entries')
        .select(isoInstant(sql.ref('created_at')).as('createdAt'))
        .where('tenant_id', '=', this.tenantId())
        .where('hash', 'is not', null)
        .$if(range.from !== undefined, (select) => select.where('created_at', '>=', range.from!))
        .$if(range.to !== undefined, (select) => select.where('created_at', '<', range.to!))
        .orderBy('created_at')
        .orderBy('id')
        .offset(limit)
        .limit(1),
    );
    return row && new Date(row.createdAt);
  }

  /** How many entries of the range are not sealed yet (one probe of the partial index of unsealed entries). */
  @RecordSql([{}], [EXAMPLE_RANGE])
  async countUnsealed(range: AuditRangeQuery): Promise<number> {
    const row = await queryRow(
      this.em,
      this.kysely()
        .selectFrom('audit_entries')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('tenant_id', '=', this.tenantId())
        .where('hash', 'is', null)
        .$if(range.from !== undefined, (select) => select.where('created_at', '>=', range.from!))
        .$if(range.to !== undefined, (select) => select.where('created_at', '<', range.to!)),
    );
    return row!.count;
  }

  /**
   * Recomputes the sealed entries' hash chains over a time range (`from` inclusive, `to` exclusive) in one statement:
   * each entry must hash to its stored hash and link to its chain predecessor (even one outside the
   * range: the chain holds entries in commit order, so an entry written before the range can sit
   * between two of its entries); a chain's first entry starts at 1 or where the latest retention
   * checkpoint says it starts.
   */
  @RecordSql([{}], [EXAMPLE_RANGE])
  async checkChains(range: AuditRangeQuery): Promise<ChainCheck> {
    const tenantId = this.tenantId();
    const from = range.from ?? null;
    const to = range.to ?? null;
    const row = await queryRow(
      this.em,
      sql<ChainCheck>`
        with ranged as (
          select e.id, e.chain, e.chain_seq, e.prev_hash, e.created_at, e.hash = audit_entry_digest(e) as intact,
            lag(e.chain_seq) over w as previous_seq, lag(e.hash) over w as previous_hash
          from audit_entries e
          where e.tenant_id = ${tenantId} and e.hash is not null
            and (${from}::timestamptz is null or e.created_at >= ${from}::timestamptz)
            and (${to}::timestamptz is null or e.created_at < ${to}::timestamptz)
          window w as (partition by e.chain order by e.chain_seq)
        ),
        chain_starts as (
          select details -> 'chainStarts' as starts from audit_entries
          where tenant_id = ${tenantId} and action = 'audit.retention' order by created_at desc, id desc limit 1
        ),
        linked as (
          select r.*, case when (r.previous_seq is null or r.chain_seq <> r.previous_seq + 1) and r.chain_seq > 1 then (
            select p.hash from audit_entries p where p.tenant_id = ${tenantId} and p.chain = r.chain and p.chain_seq = r.chain_seq - 1
          ) end as predecessor_hash
          from ranged r
        ),
        judged as (
          select l.id, l.created_at, l.chain_seq, case
            when not l.intact then 'altered'
            when l.chain_seq = l.previous_seq + 1 then case when l.prev_hash is distinct from l.previous_hash then 'unlinked' end
            when l.chain_seq = 1 then case when l.prev_hash is not null then 'unlinked' end
            when l.predecessor_hash is not null then case when l.prev_hash is distinct from l.predecessor_hash then 'unlinked' end
            when (select starts -> l.chain::text from chain_starts) = jsonb_build_object('seq', l.chain_seq - 1, 'hash', encode(l.prev_hash, 'hex')) then null
            else 'missing_before'
          end as problem
          from linked l
        )
        select (select count(*) from judged)::int as checked,
          (select jsonb_build_object('id', id, 'problem', problem) from judged where problem is not null order by created_at, chain_seq limit 1) as broken`,
    );
    return row!;
  }

  private selectRows() {
    return this.kysely()
      .selectFrom('audit_entries as a')
      .select([
        sql.ref<string>('a.id').as('id'),
        sql.ref<string>('a.tenant_id').as('tenantId'),
        sql.ref<number>('a.chain').as('chain'),
        sql.ref<string>('a.chain_seq').as('chainSeq'),
        sql.ref<Buffer | null>('a.prev_hash').as('prevHash'),
        sql.ref<Buffer>('a.hash').as('hash'),
        sql.ref<string>('a.actor_id').as('actorId'),
        sql.ref<string[]>('a.actor_roles').as('actorRoles'),
        sql.ref<string>('a.action').as('action'),
        sql.ref<string>('a.resource_type').as('resourceType'),
        sql.ref<string | null>('a.resource_id').as('resourceId'),
        sql.ref<Record<string, unknown>>('a.details').as('details'),
        sql.ref<string | null>('a.ip_address').as('ipAddress'),
        sql.ref<string | null>('a.user_agent').as('userAgent'),
        sql.ref<string | null>('a.request_id').as('requestId'),
        isoInstant(sql.ref('a.created_at')).as('createdAt'),
      ])
      .where('a.tenant_id', '=', this.tenantId());
  }

  private kysely() {
    return this.em.getKysely<AuditTables>();
  }
}
