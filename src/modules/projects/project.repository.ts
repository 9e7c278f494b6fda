import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { containsPattern, isoInstant, queryRow, queryRows, type SqlFragment, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import type { Project } from './project.entity.js';
import type { ProjectContent, ProjectFilters, ProjectRow } from './project.view.js';
import type { ProjectTables } from './projects.tables.js';

const EXAMPLE_CONTENT: ProjectContent = {
  name: 'billing',
  description: 'The billing rewrite',
  settings: { model: 'large' },
  archivedAt: null,
};
const EXAMPLE_FILTERS: ProjectFilters = { q: 'bill', archived: false };

/**
 * The SQL of projects. Statements name the tenant themselves (Kysely is not filtered by the ORM), and
 * row-level security holds underneath regardless. Writes go through Kysely so that a write returns the
 * row as the API shows it in the same statement.
 */
export class ProjectRepository extends TenantRepository<Project> {
  @RecordSql([EXAMPLE_CONTENT])
  async add(content: ProjectContent): Promise<ProjectRow> {
    const now = new Date();
    const row = {
      id: uuidv7(),
      tenant_id: this.tenantId(),
      name: content.name,
      description: content.description,
      settings: JSON.stringify(content.settings),
      archived_at: content.archivedAt === 'now' ? now : content.archivedAt,
      created_at: now,
      updated_at: now,
    };
    return (await queryRow(this.em, this.kysely().insertInto('projects').values(row).returning(viewColumns())))!;
  }

  @RecordSql([EXAMPLE_ID])
  view(id: string): Promise<ProjectRow | undefined> {
    return queryRow(
      this.em,
      this.kysely().selectFrom('projects').select(viewColumns()).where('tenant_id', '=', this.tenantId()).where('id', '=', id),
    );
  }

  /**
   * The project, its row locked FOR UPDATE until the unit of work ends: a task or dashboard naming it
   * waits (its foreign key check shares the row) until the deletion decided on the counts read after.
   */
  @RecordSql([EXAMPLE_ID])
  async lockedForChange(id: string): Promise<ProjectRow | undefined> {
    return queryRow(
      this.em,
      this.kysely().selectFrom('projects').select(viewColumns()).where('tenant_id', '=', this.tenantId()).where('id', '=', id).forUpdate(),
    );
  }

  /** Changes the project in one statement; undefined when the tenant has no such project. */
  @RecordSql([EXAMPLE_ID, { description: 'Billing, rewritten', archivedAt: 'now' }])
  change(id: string, changes: Partial<ProjectContent>): Promise<ProjectRow | undefined> {
    const now = new Date();
    return queryRow(
      this.em,
      this.kysely()
        .updateTable('projects')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.settings !== undefined && { settings: JSON.stringify(changes.settings) }),
          ...(changes.archivedAt !== undefined && {
            // Archiving an archived project keeps when it was archived.
            archived_at: changes.archivedAt === 'now' ? sql<Date>`coalesce(${sql.ref('archived_at')}, ${now})` : changes.archivedAt,
          }),
          updated_at: now,
        })
        .where('tenant_id', '=', this.tenantId())
        .where('id', '=', id)
        .returning(viewColumns()),
    );
  }

  /** Deletes the project; its tasks' and dashboards' foreign keys refuse while any names it. */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.em,
      this.kysely().deleteFrom('projects').where('tenant_id', '=', this.tenantId()).where('id', '=', id).returning('id'),
    );
    return rows.length > 0;
  }

  /** The tenant's projects, newest first (projects_tenant_created_idx). */
  @RecordSql([{}, { limit: 50 }], [EXAMPLE_FILTERS, { limit: 50 }])
  page(filters: ProjectFilters, query: PageQuery): Promise<Page<ProjectRow>> {
    const select = this.kysely()
      .selectFrom('projects as p')
      .select(viewColumns('p'))
      .where('p.tenant_id', '=', this.tenantId())
      .where(matching(filters));
    return keysetPage(this.em, select, 'p', query, NEWEST_FIRST);
  }

  /** Exact, over the tenant's projects only (the tenant-first indexes). */
  @RecordSql([{}], [EXAMPLE_FILTERS])
  async countMatching(filters: ProjectFilters): Promise<number> {
    const select = this.kysely()
      .selectFrom('projects as p')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('p.tenant_id', '=', this.tenantId());
    return (await queryRow(this.em, select.where(matching(filters))))!.count;
  }

  private kysely() {
    return this.em.getKysely<ProjectTables>();
  }
}

/** The list filters as one condition over alias `p` (each value bound). */
function matching(filters: ProjectFilters): SqlFragment<boolean> {
  const conditions: SqlFragment<boolean>[] = [sql<boolean>`true`];
  if (filters.q) conditions.push(sql<boolean>`${sql.ref('p.name')} ilike ${containsPattern(filters.q)}`);
  if (filters.archived === true) conditions.push(sql<boolean>`${sql.ref('p.archived_at')} is not null`);
  if (filters.archived === false) conditions.push(sql<boolean>`${sql.ref('p.archived_at')} is null`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

function viewColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return [
    sql.ref<string>(column('id')).as('id'),
    sql.ref<string>(column('name')).as('name'),
    sql.ref<string | null>(column('description')).as('description'),
    sql.ref<Record<string, unknown>>(column('settings')).as('settings'),
    isoInstant(sql.ref(column('archived_at')))
      .$castTo<string | null>()
      .as('archivedAt'),
    isoInstant(sql.ref(column('created_at'))).as('createdAt'),
    isoInstant(sql.ref(column('updated_at'))).as('updatedAt'),
  ];
}
