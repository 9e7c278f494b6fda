import type { Platform } from '@mikro-orm/core';
import type { SortKey } from '../../platform/pagination/keyset.js';
import { NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { LessonSort } from './dto/list-lessons.query.js';
import type { Lesson } from './lesson.entity.js';

type Row = Lesson & { rank?: number };

/**
 * The SQL of lesson search. `search_vector` weighs title (A) over summary (B) over details (C);
 * `websearch_to_tsquery` reads web-search syntax ("phrases", -exclusions, or). When full-text search
 * finds nothing, trigram word similarity over title and summary (`search_text`) finds misspellings.
 */
export class LessonSearch {
  constructor(
    private readonly platform: Platform,
    private readonly q: string,
  ) {}

  /** The rows full-text search matches. */
  matches(alias: string): string {
    return `${alias}.search_vector @@ ${this.tsQuery()}`;
  }

  /** The rows that look like the query, typos and all (pg_trgm's `<%`, with its word similarity threshold). */
  resembles(alias: string): string {
    return `${this.literal()} <% ${alias}.search_text`;
  }

  /** Ordering by full-text rank (cover density, with the title/summary/details weights). */
  readonly byRank: SortKey<Row> = {
    name: 'relevance',
    expression: (alias) => `ts_rank_cd(${alias}.search_vector, ${this.tsQuery()})::float8`,
    type: 'float8',
    valueOf: (row) => row.rank ?? 0,
  };

  /** Ordering by trigram word similarity, for the fallback. */
  readonly bySimilarity: SortKey<Row> = {
    name: 'similarity',
    expression: (alias) => `word_similarity(${this.literal()}, ${alias}.search_text)::float8`,
    type: 'float8',
    valueOf: (row) => row.rank ?? 0,
  };

  private tsQuery(): string {
    return `websearch_to_tsquery('english', ${this.literal()})`;
  }

  private literal(): string {
    return this.platform.quoteValue(this.q) as string;
  }
}

/** The non-relevance orderings of the lessons list. */
export const LESSON_SORT_KEYS: Record<Exclude<LessonSort, 'relevance'>, SortKey<Row>> = {
  recent: NEWEST_FIRST as SortKey<Row>,
  confidence: { name: 'confidence', expression: (alias) => `${alias}.confidence`, type: 'float8', valueOf: (row) => row.confidence },
  applications: { name: 'applications', expression: (alias) => `${alias}.application_count`, type: 'int4', valueOf: (row) => row.applicationCount },
};
