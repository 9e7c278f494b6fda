import { Injectable } from '@nestjs/common';
import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { ormKeysetPage, ORM_NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { mayChange, notOwner } from '../../platform/auth/ownership.js';
import { containsPattern } from '../../platform/database/sql/sql.js';
import type { OwnedListQuery } from '../../platform/pagination/owned-list.query.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import { plainQuery, type QueryDefinitionDto, queryReferenceErrors } from './dto/query-definition.dto.js';
import type { CreateSavedQueryDto } from './dto/create-saved-query.dto.js';
import type { UpdateSavedQueryDto } from './dto/update-saved-query.dto.js';
import { SavedQuery } from './saved-query.entity.js';
import { SavedQueryView, savedQueryView } from './saved-query.view.js';
import { SchemaConfigService } from './schema-config.service.js';

/** A query definition is stored as at most this much JSON. */
export const MAX_QUERY_BYTES = 64 * KIB;

/** Saved queries of the current tenant: everyone in the tenant reads them; the owner or an admin changes them. */
@Injectable()
export class SavedQueriesService {
  constructor(
    private readonly em: EntityManager,
    private readonly schema: SchemaConfigService,
  ) {}

  async create(input: CreateSavedQueryDto): Promise<SavedQueryView> {
    const query = await this.checkedQuery(input.query, 'query');
    const savedQuery = this.em.create(SavedQuery, { name: input.name, description: input.description ?? null, query });
    await this.flushRefusingDuplicateName(input.name);
    return savedQueryView(savedQuery);
  }

  async list(query: OwnedListQuery): Promise<Page<SavedQueryView>> {
    const qb = this.em.createQueryBuilder(SavedQuery, 'q').select(['id', 'name', 'description', 'query', 'ownerId', 'createdAt', 'updatedAt']);
    if (query.ownerId) qb.andWhere({ ownerId: query.ownerId });
    if (query.q) qb.andWhere({ name: { $ilike: containsPattern(query.q) } });
    const page = await ormKeysetPage<SavedQuery>(qb, query, ORM_NEWEST_FIRST);
    return { ...page, items: page.items.map(savedQueryView) };
  }

  async get(id: string): Promise<SavedQueryView> {
    return savedQueryView(await this.find(id));
  }

  async update(id: string, changes: UpdateSavedQueryDto): Promise<SavedQueryView> {
    const savedQuery = await this.findChangeable(id);
    if (changes.name !== undefined) savedQuery.name = changes.name;
    if (changes.description !== undefined) savedQuery.description = changes.description;
    if (changes.query !== undefined) savedQuery.query = await this.checkedQuery(changes.query, 'query');
    await this.flushRefusingDuplicateName(savedQuery.name);
    return savedQueryView(savedQuery);
  }

  /**
   * Refused (409) while widgets refer to it: clearing their references here would change dashboards
   * without their lock, version and history.
   */
  async delete(id: string): Promise<void> {
    await this.findChangeable(id);
    try {
      await this.em.nativeDelete(SavedQuery, { id });
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) {
        throw new ProblemException(409, 'Widgets still use this saved query; point them elsewhere (savedQueryId: null) first.');
      }
      throw error;
    }
  }

  /** Which of these ids are saved queries of the tenant (for callers restoring references). */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.em.find(SavedQuery, { id: { $in: [...ids] } }, { fields: ['id'] });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * A query definition as stored: references checked, the tenant's schema configuration honoured
   * (when it lists tables), size capped. Exported for widgets, which hold the same definitions.
   */
  async checkedQuery(query: QueryDefinitionDto, field: string): Promise<Record<string, unknown>> {
    const errors = [...queryReferenceErrors(query, field), ...(await this.schema.unknownReferences(query, field))];
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const plain = plainQuery(query);
    if (hasInexactNumber(plain)) throw new ValidationFailedException([{ field, messages: ['numbers must be finite and within ±2^53'] }]);
    assertJsonWithin(field, plain, MAX_QUERY_BYTES);
    return plain;
  }

  private async find(id: string): Promise<SavedQuery> {
    const savedQuery = await this.em.findOne(SavedQuery, { id });
    if (!savedQuery) throw notFound();
    return savedQuery;
  }

  private async findChangeable(id: string): Promise<SavedQuery> {
    const savedQuery = await this.find(id);
    if (!mayChange(TenantContext.current(), savedQuery.ownerId)) throw notOwner('saved query');
    return savedQuery;
  }

  private async flushRefusingDuplicateName(name: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ProblemException(409, `A saved query named "${name}" already exists in this tenant.`, { errors: [{ field: 'name', messages: ['already taken'] }] });
      }
      throw error;
    }
  }
}

function notFound(): ProblemException {
  return new ProblemException(404, 'The saved query does not exist.');
}
