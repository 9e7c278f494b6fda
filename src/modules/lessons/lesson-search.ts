import type { OrmSortKey } from '../../platform/pagination/keyset.js';
import { ORM_NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Bind } from './bound-sql.js';
import type { LessonSort } from './dto/list-lessons.query.js';
import type { Lesson } from './lesson.entity.js';

export type RankedLesson = Lesson & { rank?: number };

/**
 * Which lessons one page reads and in which order. It gets the statement's `bind`, so that whatever
 * it holds from the request reaches the database as a bound parameter, never as SQL text.
 */
export type LessonSelection = (bind: Bind) => { key: OrmSortKey<RankedLesson>; condition?: (alias: string) => string };

/** More words than this in one query are ignored (each costs PostgreSQL tsquery stack). */
const MAX_QUERY_WORDS = 32;
/** Trigram similarity needs at least this many letters to mean anything. */
const MIN_FALLBACK_LETTERS = 3;
/** How similar a misspelled query must be to a lesson's words (pg_trgm word similarity, 0–1). */
export const TYPO_SIMILARITY = 0.5;
/** The ordering of the typo fallback, as its cursors name it. */
export const BY_SIMILARITY = 'similarity';

/**
 * Lesson search. `search_vector` weighs title (A) over summary (B) over details (C);
 * `websearch_to_tsquery` reads web-search syntax ("phrases", -exclusions, or). When full-text search
 * finds nothing, trigram word similarity of the query's plain words against title and summary
 * (`search_text`) finds misspellings, still honouring the exclusions.
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

  /** The lessons full-text search matches, in the given order. */
  sortedBy(key: OrmSortKey<RankedLesson>): LessonSelection {
    return (bind) => ({ key, condition: matching(this.tsQuery(bind)) });
  }

  /**
   * The lessons full-text search matches, by relevance: a match in the title beats one only in the
   * summary, which beats one only in the details; within a tier, cover density rank (normalised to
   * 0–1, so it never crosses a tier).
   */
  ranked(): LessonSelection {
    return (bind) => {
      const query = this.tsQuery(bind);
      const key: OrmSortKey<RankedLesson> = {
        name: 'relevance',
        expression: (alias) =>
          `(case when ts_filter(${alias}.search_vector, '{a}') @@ ${query} then 2
                 when ts_filter(${alias}.search_vector, '{b}') @@ ${query} then 1 else 0 end
            + ts_rank_cd(${alias}.search_vector, ${query}, 32))::float8`,
        type: 'float8',
        valueOf: (row) => row.rank ?? 0,
      };
      return { key, condition: matching(query) };
    };
  }

  /**
   * The lessons that look like the query's words, typos and all, and contain none of its exclusions;
   * most alike first. `<%` reads its threshold from pg_trgm.word_similarity_threshold (TYPO_SIMILARITY).
   */
  resembling(): LessonSelection {
    return (bind) => {
      const words = `${bind(this.words)}::text`;
      const excluded = this.excluded.length ? `${bind(this.excluded.join(' or '))}::text` : undefined;
      return {
        key: {
          name: BY_SIMILARITY,
          expression: (alias) => `word_similarity(${words}, ${alias}.search_text)::float8`,
          type: 'float8',
          valueOf: (row) => row.rank ?? 0,
        },
        condition: (alias) =>
          `${words} <% ${alias}.search_text` +
          (excluded ? ` and not (${alias}.search_vector @@ websearch_to_tsquery('english', ${excluded}))` : ''),
      };
    };
  }

  /** A scalar subquery: PostgreSQL parses the query once per statement, not once per row. */
  private tsQuery(bind: Bind): string {
    return `(select websearch_to_tsquery('english', ${bind(this.text)}::text))`;
  }
}

function matching(tsQuery: string): (alias: string) => string {
  return (alias) => `${alias}.search_vector @@ ${tsQuery}`;
}

/** The non-relevance orderings of the lessons list. */
export const LESSON_SORT_KEYS: Record<Exclude<LessonSort, 'relevance'>, OrmSortKey<RankedLesson>> = {
  recent: ORM_NEWEST_FIRST as OrmSortKey<RankedLesson>,
  confidence: { name: 'confidence', expression: (alias) => `${alias}.confidence`, type: 'float8', valueOf: (row) => row.confidence },
  applications: { name: 'applications', expression: (alias) => `${alias}.application_count`, type: 'int4', valueOf: (row) => row.applicationCount },
};
