import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { mayChange, notOwner } from '../../platform/auth/ownership.js';
import { ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import type { OwnedListQuery } from '../../platform/pagination/owned-list.query.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { CreateSavedQueryDto } from './dto/create-saved-query.dto.js';
import { plainQuery, type QueryDefinitionDto, queryReferenceErrors } from './dto/query-definition.dto.js';
import type { SavedQueryFiltersQuery } from './dto/saved-query-filters.query.js';
import type { UpdateSavedQueryDto } from './dto/update-saved-query.dto.js';
import { QueryProblems } from './query-problems.js';
import type { SavedQuery } from './saved-query.entity.js';
import { SavedQueryRepository } from './saved-query.repository.js';
import { type SavedQueryView, savedQueryView } from './saved-query.view.js';
import { SchemaConfigService } from './schema-config.service.js';

/** A query definition is stored as at most this much JSON. */
export const MAX_QUERY_BYTES = 64 * KIB;

/** Saved queries of the current tenant: everyone in the tenant reads them; the owner or an admin changes them. */
@Injectable()
export class SavedQueriesService {
  constructor(
    private readonly savedQueries: SavedQueryRepository,
    private readonly schema: SchemaConfigService,
  ) {}

  async create(input: CreateSavedQueryDto): Promise<SavedQueryView> {
    const query = await this.checkedQuery(input.query, 'query');
    const savedQuery = await refusingDuplicateName(input.name, () =>
      this.savedQueries.add({ name: input.name, description: input.description ?? null, query }),
    );
    return savedQueryView(savedQuery);
  }

  list(query: OwnedListQuery): Promise<Page<SavedQueryView>> {
    return this.savedQueries.page(query);
  }

  async count(filters: SavedQueryFiltersQuery): Promise<{ count: number }> {
    return { count: await this.savedQueries.countMatching(filters) };
  }

  async get(id: string): Promise<SavedQueryView> {
    return savedQueryView(await this.find(id));
  }

  async update(id: string, changes: UpdateSavedQueryDto): Promise<SavedQueryView> {
    const savedQuery = await this.findChangeable(id);
    if (changes.name !== undefined) savedQuery.name = changes.name;
    if (changes.description !== undefined) savedQuery.description = changes.description;
    if (changes.query !== undefined) savedQuery.query = await this.checkedQuery(changes.query, 'query');
    await refusingDuplicateName(savedQuery.name, () => this.savedQueries.flush());
    return savedQueryView(savedQuery);
  }

  /**
   * Refused (409) while widgets refer to it: clearing their references here would change dashboards
   * without their lock, version and history.
   */
  async delete(id: string): Promise<void> {
    await this.findChangeable(id);
    try {
      await this.savedQueries.remove(id);
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) {
        throw QueryProblems.inUse();
      }
      throw error;
    }
  }

  /** Which of these ids are saved queries of the tenant (for callers restoring references). */
  existing(ids: readonly string[]): Promise<Set<string>> {
    return this.savedQueries.existingIds(ids);
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
    const savedQuery = await this.savedQueries.byId(id);
    if (!savedQuery) throw QueryProblems.notFound();
    return savedQuery;
  }

  private async findChangeable(id: string): Promise<SavedQuery> {
    const savedQuery = await this.find(id);
    if (!mayChange(TenantContext.current(), savedQuery.ownerId)) throw notOwner('saved query');
    return savedQuery;
  }
}

/** Saved query names are unique within the tenant (a unique key). */
async function refusingDuplicateName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw QueryProblems.nameTaken(name);
    }
    throw error;
  }
}
