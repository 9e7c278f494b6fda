import type { SortKey } from '../../platform/pagination/keyset.js';
import { NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { LessonSort } from './dto/list-lessons.query.js';
import type { Lesson } from './lesson.entity.js';

export type RankedLesson = Lesson & { rank?: number };

/** More words than this in one query are ignored (each costs PostgreSQL tsquery stack). */
const MAX_QUERY_WORDS = 32;
/** Trigram similarity needs at least this many letters to mean anything. */
const MIN_FALLBACK_LETTERS = 3;

/**
 * The SQL of lesson search. `search_vector` weighs title (A) over summary (B) over details (C);
 * `websearch_to_tsquery` reads web-search syntax ("phrases", -exclusions, or). When full-text search
 * finds nothing, trigram word similarity of the query's plain words against title and summary
 * (`search_text`) finds misspellings, still honouring the exclusions.
 *
 * User text reaches the SQL only as hex (`convert_from(decode('…', 'hex'), 'UTF8')`): MikroORM
 * inlines raw fragments' parameters and then scans the whole statement for `?` again, so a quoted
 * literal holding a `?` would be read as a placeholder. Hex digits can never be.
 */
export class LessonSearch {
  /** The query as websearch_to_tsquery should read it: operator-only tokens dropped, bounded. */
  private readonly text: string;
  /** Plain words to compare by similarity (no quotes, no exclusions). */
  private readonly words: string;
  /** Words the query excludes with a leading `-`. */
  private readonly excluded: string[];

  constructor(q: string) {
    const tokens = q
      .split(/\s+/)
      .filter((token) => /[\p{L}\p{N}]/u.test(token))
      .slice(0, MAX_QUERY_WORDS)
      .map((token) => token.replace(/^[-!(]+/, (prefix) => (/[-!]/.test(prefix) ? '-' : '')));
    this.text = tokens.join(' ');
    this.excluded = tokens.filter((token) => token.startsWith('-')).map((token) => token.slice(1).replace(/"/g, ''));
    this.words = tokens
      .filter((token) => !token.startsWith('-') && token.toLowerCase() !== 'or')
      .map((token) => token.replace(/"/g, ''))
      .join(' ');
  }

  /** Whether anything is left to search for. */
  get isEmpty(): boolean {
    return this.text.length === 0;
  }

  /** Whether a similarity fallback can mean anything (not for a query of stop words or single letters). */
  get canFallBack(): boolean {
    return (this.words.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= MIN_FALLBACK_LETTERS;
  }

  /** The rows full-text search matches. */
  matches(alias: string): string {
    return `${alias}.search_vector @@ ${this.tsQuery()}`;
  }

  /** The rows that look like the query's words, typos and all, and contain none of its exclusions. */
  resembles(alias: string): string {
    const excluded = this.excluded.length
      ? ` and not (${alias}.search_vector @@ websearch_to_tsquery('english', ${hexText(this.excluded.join(' or '))}))`
      : '';
    return `${hexText(this.words)} <% ${alias}.search_text${excluded}`;
  }

  /**
   * Ordering by relevance: a match in the title beats one only in the summary, which beats one only in
   * the details; within a tier, cover density rank (normalised to 0–1, so it never crosses a tier).
   */
  readonly byRank: SortKey<RankedLesson> = {
    name: 'relevance',
    expression: (alias) =>
      `(case when ts_filter(${alias}.search_vector, '{a}') @@ ${this.tsQuery()} then 2
             when ts_filter(${alias}.search_vector, '{b}') @@ ${this.tsQuery()} then 1 else 0 end
        + ts_rank_cd(${alias}.search_vector, ${this.tsQuery()}, 32))::float8`,
    type: 'float8',
    valueOf: (row) => row.rank ?? 0,
  };

  /** Ordering by trigram word similarity, for the fallback. */
  readonly bySimilarity: SortKey<RankedLesson> = {
    name: 'similarity',
    expression: (alias) => `word_similarity(${hexText(this.words)}, ${alias}.search_text)::float8`,
    type: 'float8',
    valueOf: (row) => row.rank ?? 0,
  };

  /** A scalar subquery: PostgreSQL parses the query once per statement, not once per row. */
  private tsQuery(): string {
    return `(select websearch_to_tsquery('english', ${hexText(this.text)}))`;
  }
}

/** A text value as SQL built from hex digits only: nothing in it can be read as syntax or a placeholder. */
function hexText(value: string): string {
  return `convert_from(decode('${Buffer.from(value, 'utf8').toString('hex')}', 'hex'), 'UTF8')`;
}

/** The non-relevance orderings of the lessons list. */
export const LESSON_SORT_KEYS: Record<Exclude<LessonSort, 'relevance'>, SortKey<RankedLesson>> = {
  recent: NEWEST_FIRST as SortKey<RankedLesson>,
  confidence: { name: 'confidence', expression: (alias) => `${alias}.confidence`, type: 'float8', valueOf: (row) => row.confidence },
  applications: { name: 'applications', expression: (alias) => `${alias}.application_count`, type: 'int4', valueOf: (row) => row.applicationCount },
};
