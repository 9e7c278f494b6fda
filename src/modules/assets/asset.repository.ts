import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { containsPattern, isoInstant, queryRow, queryRows, type SqlFragment, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { GLOBAL_TENANT_ID } from '../../platform/tenancy/global-catalogue.js';
import type { Asset } from './asset.entity.js';
import type { AssetContent, AssetFilters, AssetView } from './asset-content.js';
import type { AssetTables } from './assets.tables.js';

const EXAMPLE_CONTENT: AssetContent = {
  name: 'orders',
  description: 'Orders, one row each',
  assetType: 'table',
  owner: 'data-eng',
  tags: ['sales'],
  metadata: { rows: 1 },
};
const EXAMPLE_FILTERS: AssetFilters = { assetType: 'table', owner: 'data-eng', tag: 'sales', q: 'ord' };

/**
 * The SQL of assets. Statements name the tenant themselves (Kysely is not filtered by the ORM), and
 * row-level security holds underneath regardless. Reads include the global catalogue's assets;
 * writes reach the tenant's own only. Writes go through Kysely so that tags and metadata
 * travel as bound parameters (node-postgres quotes each array element).
 */
export class AssetRepository extends TenantRepository<Asset> {
  @RecordSql([EXAMPLE_CONTENT])
  async add(content: AssetContent): Promise<AssetView> {
    const now = new Date();
    const row = {
      id: uuidv7(),
      tenant_id: this.tenantId(),
      name: content.name,
      description: content.description,
      asset_type: content.assetType,
      owner: content.owner,
      tags: content.tags,
      metadata: jsonText(content.metadata),
      created_at: now,
      updated_at: now,
    };
    return (await queryRow(this.em, this.kysely().insertInto('assets').values(row).returning(this.viewColumns())))!;
  }

  /** The asset, the tenant's own or a global one. */
  @RecordSql([EXAMPLE_ID])
  async view(id: string): Promise<AssetView | undefined> {
    return queryRow(
      this.em,
      this.kysely()
        .selectFrom('assets as a')
        .select(this.viewColumns('a'))
        .where('a.id', '=', id)
        .where('a.tenant_id', 'in', this.readableTenants()),
    );
  }

  /** Of `ids`, those the tenant can read, with the tenant each belongs to (its own, or the global catalogue). */
  @RecordSql([[EXAMPLE_ID]])
  async visible(ids: readonly string[]): Promise<{ id: string; tenantId: string }[]> {
    if (ids.length === 0) return [];
    return queryRows(
      this.em,
      this.kysely()
        .selectFrom('assets as a')
        .select(['a.id', 'a.tenant_id as tenantId'])
        .where('a.id', 'in', ids)
        .where('a.tenant_id', 'in', this.readableTenants()),
    );
  }

  /** The assets of `ids` that the tenant has (for checks before a write names them). */
  @RecordSql([[EXAMPLE_ID]])
  async existing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows(
      this.em,
      this.kysely().selectFrom('assets as a').select('a.id').where('a.tenant_id', '=', this.tenantId()).where('a.id', 'in', ids),
    );
    return rows.map((row: { id: string }) => row.id);
  }

  /**
   * The ids of the named assets, creating those the tenant lacks (of `assetType`, with `metadata`) in
   * the same statement: names the insert skipped already exist, and are read beside it.
   */
  @RecordSql([['postgres://db:5432:sales.orders'], 'dataset'])
  async ensureNamed(names: readonly string[], assetType: string): Promise<{ id: string; name: string }[]> {
    if (names.length === 0) return [];
    const tenantId = this.tenantId();
    const now = new Date();
    const distinct = [...new Set(names)];
    return queryRows(
      this.em,
      sql<{ id: string; name: string }>`
      with wanted as (select * from unnest(cast(${distinct} as text[]), cast(${distinct.map(() => uuidv7())} as uuid[])) as wanted(name, id)),
      inserted as (
        insert into assets (id, tenant_id, name, asset_type, tags, created_at, updated_at)
        select wanted.id, ${tenantId}, wanted.name, ${assetType}, '{}', ${now}, ${now} from wanted
        on conflict (tenant_id, name) do nothing
        returning id, name
      )
      select id, name from inserted
      union all
      select a.id, a.name from assets a join wanted on wanted.name = a.name where a.tenant_id = ${tenantId}`,
    );
  }

  /** Changes the asset in one statement; undefined when the tenant has no such asset. */
  @RecordSql([EXAMPLE_ID, { description: 'Orders', tags: ['sales', 'finance'] }])
  async change(id: string, changes: Partial<AssetContent>): Promise<AssetView | undefined> {
    return queryRow(
      this.em,
      this.kysely()
        .updateTable('assets')
        .set({ ...columnsOf(changes), updated_at: new Date() })
        .where('tenant_id', '=', this.tenantId())
        .where('id', '=', id)
        .returning(this.viewColumns()),
    );
  }

  /** Deletes the asset; its edges go with it (foreign keys on delete cascade, each row audited). */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.em,
      this.kysely().deleteFrom('assets').where('tenant_id', '=', this.tenantId()).where('id', '=', id).returning('id'),
    );
    return rows.length > 0;
  }

  /** The tenant's assets, or with `global` the global catalogue's, newest first. */
  @RecordSql([{}, { limit: 50 }], [{ ...EXAMPLE_FILTERS, global: true }, { limit: 50 }])
  async page(filters: AssetFilters, query: PageQuery): Promise<Page<AssetView>> {
    const select = this.kysely()
      .selectFrom('assets as a')
      .select(this.viewColumns('a'))
      .where('a.tenant_id', '=', this.listedTenant(filters));
    return keysetPage(this.em, select.where(this.matching(filters)), 'a', query, NEWEST_FIRST);
  }

  /** Exact; index-only on the tenant's created-at (or type, or owner) index when the filters allow it. */
  @RecordSql([{}], [EXAMPLE_FILTERS])
  async countMatching(filters: AssetFilters): Promise<number> {
    const select = this.kysely()
      .selectFrom('assets as a')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('a.tenant_id', '=', this.listedTenant(filters));
    return (await queryRow(this.em, select.where(this.matching(filters))))!.count;
  }

  /** The list filters as one condition over alias `a` (each value bound). */
  private matching(filters: AssetFilters): SqlFragment<boolean> {
    const conditions: SqlFragment<boolean>[] = [sql<boolean>`true`];
    if (filters.assetType) conditions.push(sql<boolean>`${sql.ref('a.asset_type')} = ${filters.assetType}`);
    if (filters.owner) conditions.push(sql<boolean>`${sql.ref('a.owner')} = ${filters.owner}`);
    if (filters.tag) conditions.push(sql<boolean>`${sql.ref('a.tags')} @> cast(${[filters.tag]} as text[])`);
    if (filters.q) {
      const pattern = containsPattern(filters.q);
      conditions.push(sql<boolean>`(${sql.ref('a.name')} ilike ${pattern} or ${sql.ref('a.description')} ilike ${pattern})`);
    }
    return sql<boolean>`${sql.join(conditions, sql` and `)}`;
  }

  /** The tenant ids whose assets the tenant reads: its own and the global catalogue's. */
  private readableTenants(): string[] {
    return [this.tenantId(), GLOBAL_TENANT_ID];
  }

  /**
   * Lists and counts read one tenant id at a time (the tenant's, or the catalogue's): an ordered page
   * over both would sort every row of both instead of reading one index in order.
   */
  private listedTenant(filters: AssetFilters): string {
    return filters.global ? GLOBAL_TENANT_ID : this.tenantId();
  }

  private viewColumns(alias?: string) {
    const column = (name: string) => (alias ? `${alias}.${name}` : name);
    return [
      sql.ref<string>(column('id')).as('id'),
      sql.ref<string>(column('name')).as('name'),
      sql.ref<string | null>(column('description')).as('description'),
      sql.ref<string>(column('asset_type')).as('assetType'),
      sql.ref<string | null>(column('owner')).as('owner'),
      sql.ref<string[]>(column('tags')).as('tags'),
      sql.ref<unknown>(column('metadata')).as('metadata'),
      isoInstant(sql.ref(column('created_at'))).as('createdAt'),
      isoInstant(sql.ref(column('updated_at'))).as('updatedAt'),
      sql<boolean>`${sql.ref(column('tenant_id'))} = ${GLOBAL_TENANT_ID}`.as('global'),
    ];
  }

  private kysely() {
    return this.em.getKysely<AssetTables>();
  }
}

/** The asset's columns of the content fields a change sets (metadata as JSON text, cast by PostgreSQL on assignment). */
function columnsOf(content: Partial<AssetContent>) {
  return {
    ...(content.name !== undefined && { name: content.name }),
    ...(content.description !== undefined && { description: content.description }),
    ...(content.assetType !== undefined && { asset_type: content.assetType }),
    ...(content.owner !== undefined && { owner: content.owner }),
    ...(content.tags !== undefined && { tags: content.tags }),
    ...(content.metadata !== undefined && { metadata: jsonText(content.metadata) }),
  };
}

function jsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
