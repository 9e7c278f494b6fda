import type { EntityData, EntityName } from '@mikro-orm/core';
import type { EntityManager, QueryBuilder } from '@mikro-orm/postgresql';
import { CompiledQuery, type RawBuilder } from 'kysely';

/**
 * Statements whose values travel as bound parameters. MikroORM 7 writes every parameter into the SQL
 * text itself, and arrays through its own array-literal marshalling, in which the text `null` becomes
 * SQL NULL and surrounding whitespace is dropped. These run on the unit of work's own transaction
 * through Kysely (the same connection, so the tenant settings and row-level security hold) with their
 * values as parameters; node-postgres quotes every array element, so no value is ever read as syntax.
 */

/** The placeholder ($1, $2, …) of a value that is bound when the statement runs. */
export type Bind = (value: unknown) => string;

/** Runs a statement in the current unit of work; its rows come back with the entity's property names and types. */
export async function runBound<T extends object>(em: EntityManager, entity: EntityName<T>, statement: CompiledQuery | RawBuilder<unknown>): Promise<T[]> {
  const kysely = em.getKysely();
  let rows: Record<string, unknown>[];
  try {
    ({ rows } = await kysely.executeQuery<Record<string, unknown>>('compile' in statement ? statement.compile(kysely) : statement));
  } catch (error) {
    // The same exception types as the ORM's own statements, for the same problem responses.
    throw em.getDriver().convertException(error as Error);
  }
  const meta = em.getMetadata().get(entity);
  return rows.map((row) => em.getDriver().mapResult(row as EntityData<T>, meta) as T);
}

/**
 * A query builder for keysetPage whose raw fragments hold placeholders from `bind`: MikroORM writes
 * the statement (its own values, such as the tenant and the cursor, inlined as always), the bound
 * values go along as parameters.
 */
export class BoundQuery<T extends object> {
  private readonly values: unknown[] = [];

  constructor(
    private readonly em: EntityManager,
    readonly qb: QueryBuilder<T>,
  ) {}

  readonly bind: Bind = (value) => `$${this.values.push(value)}`;

  get alias(): string {
    return this.qb.alias;
  }

  andWhere(condition: Parameters<QueryBuilder<T>['andWhere']>[0]): this {
    this.qb.andWhere(condition);
    return this;
  }

  orderBy(order: Parameters<QueryBuilder<T>['orderBy']>[0]): this {
    this.qb.orderBy(order);
    return this;
  }

  limit(limit: number): this {
    this.qb.limit(limit);
    return this;
  }

  applyFilters(): Promise<void> {
    return this.qb.applyFilters();
  }

  async execute<R>(): Promise<R> {
    return (await runBound(this.em, this.qb.mainAlias.entityName, CompiledQuery.raw(this.qb.getFormattedQuery(), this.values))) as R;
  }
}
