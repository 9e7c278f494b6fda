import { Injectable } from '@nestjs/common';
import { sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { ormKeysetPage, type OrmSortKey } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { ListPatternsQuery } from './dto/list-patterns.query.js';
import type { RecordPatternDto } from './dto/record-pattern.dto.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import { patternView } from './pattern.view.js';
import { Pattern } from './pattern.entity.js';

const PATTERN_SORT_KEYS: Record<ListPatternsQuery['sort'], OrmSortKey<Pattern>> = {
  frequency: { name: 'frequency', expression: (alias) => `${alias}.frequency`, type: 'int4', valueOf: (row) => row.frequency },
  recent: { name: 'last-seen', expression: (alias) => `${alias}.last_seen`, type: 'timestamptz', valueOf: (row) => row.lastSeen.toISOString() },
};

/** A pattern describes a recurrence, not a payload: no report stores a body-sized row. */
const MAX_PATTERN_BYTES = 64 * KIB;

/** Recurring patterns of the current tenant, counted. */
@Injectable()
export class PatternsService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Counts one occurrence: a new pattern starts at 1, a known one (same type, agent type and JSON,
   * whatever its key order) goes up by one. A single upsert statement, so concurrent reports all count.
   */
  async record(input: RecordPatternDto): Promise<{ pattern: ReturnType<typeof patternView>; created: boolean }> {
    assertJsonWithin('pattern', input.pattern, MAX_PATTERN_BYTES);
    if (hasInexactNumber(input.pattern)) {
      throw new ProblemException(400, 'pattern holds a number JSON cannot carry exactly (beyond ±2^53, or not finite).', {
        errors: [{ field: 'pattern', messages: ['numbers must be finite and within ±2^53'] }],
      });
    }
    const [row] = await this.em.execute<{ id: string; created: boolean }[]>(sql`
      insert into patterns (id, tenant_id, type, agent_type, pattern, frequency, last_seen, created_at)
      values (${uuidv7()}, ${TenantContext.current().tenantId}, ${input.type}, ${input.agentType ?? null}, ${JSON.stringify(input.pattern)}::jsonb, 1, now(), now())
      on conflict (tenant_id, type, agent_type, pattern_hash)
      do update set frequency = patterns.frequency + 1, last_seen = greatest(patterns.last_seen, excluded.last_seen)
      returning id, (xmax = 0) as created`);
    return { pattern: patternView(await this.find(row.id)), created: row.created };
  }

  async list(query: ListPatternsQuery): Promise<Page<ReturnType<typeof patternView>>> {
    const qb = this.em.createQueryBuilder(Pattern, 'p').select(['id', 'type', 'agentType', 'pattern', 'frequency', 'lastSeen', 'createdAt']);
    if (query.type) qb.andWhere({ type: query.type });
    if (query.agentType) qb.andWhere({ agentType: query.agentType });
    const page = await ormKeysetPage(qb, query, PATTERN_SORT_KEYS[query.sort]);
    return { ...page, items: page.items.map(patternView) };
  }

  async get(id: string) {
    return patternView(await this.find(id));
  }

  async delete(id: string): Promise<void> {
    if ((await this.em.nativeDelete(Pattern, { id })) === 0) throw notFound();
  }

  private async find(id: string): Promise<Pattern> {
    const pattern = await this.em.findOne(Pattern, { id }, { refresh: true });
    if (!pattern) throw notFound();
    return pattern;
  }
}

function notFound(): ProblemException {
  return new ProblemException(404, 'The pattern does not exist.');
}
