import { Injectable } from '@nestjs/common';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import type { Page } from '../../platform/pagination/page.js';
import type { ListPatternsQuery, PatternFiltersQuery } from './dto/list-patterns.query.js';
import type { RecordPatternDto } from './dto/record-pattern.dto.js';
import { LessonProblems } from './lesson-problems.js';
import { PatternRepository } from './pattern.repository.js';
import type { PatternView } from './pattern.view.js';

/** A pattern describes a recurrence, not a payload: no report stores a body-sized row. */
const MAX_PATTERN_BYTES = 64 * KIB;

/** Recurring patterns of the current tenant, counted. */
@Injectable()
export class PatternsService {
  constructor(private readonly patterns: PatternRepository) {}

  /** Counts one occurrence; `created` when the pattern was seen the first time. */
  record(input: RecordPatternDto): Promise<{ pattern: PatternView; created: boolean }> {
    assertJsonWithin('pattern', input.pattern, MAX_PATTERN_BYTES);
    if (hasInexactNumber(input.pattern)) {
      throw LessonProblems.inexactPattern();
    }
    return this.patterns.countOccurrence({ type: input.type, agentType: input.agentType ?? null, pattern: input.pattern });
  }

  list(query: ListPatternsQuery): Promise<Page<PatternView>> {
    return this.patterns.page(query);
  }

  async count(filters: PatternFiltersQuery): Promise<{ count: number }> {
    return { count: await this.patterns.countMatching(filters) };
  }

  async get(id: string): Promise<PatternView> {
    const pattern = await this.patterns.view(id);
    if (!pattern) throw LessonProblems.patternNotFound();
    return pattern;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.patterns.remove(id))) throw LessonProblems.patternNotFound();
  }
}
