import type { Expression, SqlBool } from 'kysely';
import { sql } from '../../platform/database/sql/sql.js';
import { NEWEST_FIRST, type SortKey } from '../../platform/pagination/keyset.js';
import type { LessonSort } from './dto/list-lessons.query.js';
import type { LessonRow } from './lesson.view.js';

/** A lesson as a list reads it, with its score when the order is one. */
export type RankedLesson = LessonRow & { rank?: number };

/** A condition over the lessons table at an alias. */
export type LessonCondition = (alias: string) => Expression<SqlBool>;

/**
 * Which lessons one page reads and in which order. Its SQL fragments carry whatever they hold from
 * the request as bound parameters, never as SQL text.
 */
export interface LessonSelection {
  key: SortKey<RankedLesson>;
  condition?: LessonCondition;
  /** How well a lesson at an alias matches, as its `rank` (which the key then orders by). */
  score?: (alias: string) => Expression<number>;
}

/** More words than this in one query are ignored (each costs PostgreSQL tsquery stack). */
const MAX_QUERY_WORDS = 32;
/** Trigram similarity needs at least this many letters to mean anything. */
const MIN_FALLBACK_LETTERS = 3;
/** How similar a dictionary word must be to a misspelled one to replace it (pg_trgm similarity, 0–1). */
export const TYPO_SIMILARITY = 0.3;
/** The dictionary words a misspelled word may stand for, the most similar first. */
const CORRECTIONS_PER_WORD = 3;
/** The ordering of the typo fallback, as its cursors name it. */
export const BY_SIMILARITY = 'similarity';

/**
 * Lesson search. `search_vector` weighs title (A) over summary (B) over details (C);
 * `websearch_to_tsquery` reads web-search syntax ("phrases", -exclusions, or). When full-text search
 * finds nothing, the typo fallback replaces each plain word of the query by the tenant's most
 * similar indexed words (its lexeme dictionary, `lesson_lexemes`) and searches again, still
 * honouring the exclusions.
 */
export class LessonSearch {
  /** The query as websearch_to_tsquery should read it: operator-only tokens dropped, bounded. */
  readonly text: string;
  /** Plain words to correct (no quotes, no exclusions, no punctuation), lower case, each once. */
  readonly words: string[];
  /** Words the query excludes with a leading `-`. */
  readonly excluded: string[];

  constructor(q: string) {
    const tokens = q
      .split(/\s+/)
      .filter((token) => /[\p{L}\p{N}]/u.test(token))
      .slice(0, MAX_QUERY_WORDS)
      .map((token) => token.replace(/^[-!(]+/, (prefix) => (/[-!]/.test(prefix) ? '-' : '')));
    this.text = tokens.join(' ');
    this.excluded = tokens.filter((token) => token.startsWith('-')).map((token) => token.slice(1).replace(/"/g, ''));
    const plain = tokens.filter((token) => !token.startsWith('-') && token.toLowerCase() !== 'or').join(' ');
    this.words = [...new Set(plain.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  }

  /** Whether anything is left to search for. */
  get isEmpty(): boolean {
    return this.text.length === 0;
  }

  /** Whether a similarity fallback can mean anything (not for a query of stop words or single letters). */
  get canFallBack(): boolean {
    return this.words.join('').length >= MIN_FALLBACK_LETTERS;
  }

  /** Which lessons full-text search matches: what the ranked and the sorted lists read, and a count counts. */
  matches(): LessonCondition {
    return matching(this.tsQuery());
  }

  /** The lessons full-text search matches, in the given order. */
  sortedBy(key: SortKey<RankedLesson>): LessonSelection {
    return { key, condition: this.matches() };
  }

  /** The lessons full-text search matches, by relevance (rankedBy). */
  ranked(): LessonSelection {
    return rankedBy(this.tsQuery(), byRank('relevance'));
  }

  /** The typo fallback: the lessons the corrected query matches, by relevance, under the fallback's own cursor name. */
  corrected(tenantId: string): LessonSelection {
    return rankedBy(this.correctedQuery(tenantId), byRank(BY_SIMILARITY));
  }

  /** Which lessons the typo fallback finds. */
  correctedMatches(tenantId: string): LessonCondition {
    return matching(this.correctedQuery(tenantId));
  }

  /** A scalar subquery: PostgreSQL parses the query once per statement (an init plan), not once per row. */
  private tsQuery(): Expression<unknown> {
    return sql`(select websearch_to_tsquery('english', ${this.text}::text))`;
  }

  /**
   * The query with each plain word (stop words left out) replaced by any of its CORRECTIONS_PER_WORD
   * most similar words of the tenant's dictionary, and without the excluded words: every word must
   * be matched by one of its corrections, so a word with none finds nothing (null matches no lesson).
   * Candidates come from the dictionary's trigrams (`lesson_lexeme_trigrams`) by text equality, the
   * one kind of condition row-level security lets an index serve (no trigram operator is leakproof):
   * the words sharing trigrams with the misspelled one, kept only if they share enough to reach the
   * threshold (similarity = shared / (word's + candidate's − shared) ≤ shared / word's trigrams).
   * pg_trgm's `similarity` then ranks those few (`offset 0` keeps PostgreSQL from pushing it down
   * to every trigram row). Each lexeme enters the tsquery quoted, so none is read as tsquery syntax.
   * One scalar subquery (an init plan).
   */
  private correctedQuery(tenantId: string): Expression<unknown> {
    const excluded = this.excluded.length ? sql` && !!websearch_to_tsquery('english', ${this.excluded.join(' or ')}::text)` : sql``;
    const threshold = sql`${TYPO_SIMILARITY}::float4`;
    return sql`(select case when bool_and(corrected.alternatives is not null)
                         then string_agg(corrected.alternatives, ' & ')::tsquery${excluded} end
      from unnest(${this.words}::text[]) as w(word)
      cross join lateral (select show_trgm(w.word) as trigrams) misspelled
      cross join lateral (
        select '(' || string_agg('''' || replace(replace(nearest.lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ') || ')' as alternatives
        from (select candidate.lexeme
              from (select x.lexeme from lesson_lexeme_trigrams x
                    where x.tenant_id = ${tenantId}::text and x.trigram = any(misspelled.trigrams)
                    group by x.lexeme having count(*)::float4 / cardinality(misspelled.trigrams)::float4 >= ${threshold}
                    offset 0) candidate
              where similarity(candidate.lexeme, w.word) >= ${threshold}
              order by similarity(candidate.lexeme, w.word) desc, candidate.lexeme
              limit ${CORRECTIONS_PER_WORD}::int) nearest) corrected
      where to_tsvector('english', w.word) <> ''::tsvector)`;
  }
}

/**
 * The lessons a tsquery matches, by relevance: a match in the title beats one only in the summary,
 * which beats one only in the details; within a tier, cover density rank (normalised to 0–1, so it
 * never crosses a tier).
 */
function rankedBy(query: Expression<unknown>, key: SortKey<RankedLesson>): LessonSelection {
  return {
    key,
    condition: matching(query),
    score: (alias) => {
      const vector = sql.ref(`${alias}.search_vector`);
      return sql<number>`(case when ts_filter(${vector}, '{a}') @@ ${query} then 2
                               when ts_filter(${vector}, '{b}') @@ ${query} then 1 else 0 end
                          + ts_rank_cd(${vector}, ${query}, 32))::float8`;
    },
  };
}

/**
 * Best score first. The key reads the score as the `rank` column of the lessons it pages, not as the
 * score's expression: each occurrence of an expression binds its values anew, and PostgreSQL computes
 * the select list's and the ordering's expressions once only when they are the same.
 */
function byRank(name: string): SortKey<RankedLesson> {
  return { name, expression: (alias) => sql.ref(`${alias}.rank`), type: 'float8', valueOf: (row) => row.rank ?? 0 };
}

function matching(tsQuery: Expression<unknown>): LessonCondition {
  return (alias) => sql<SqlBool>`${sql.ref(`${alias}.search_vector`)} @@ ${tsQuery}`;
}

/** The non-relevance orderings of the lessons list. */
export const LESSON_SORT_KEYS: Record<Exclude<LessonSort, 'relevance'>, SortKey<RankedLesson>> = {
  recent: NEWEST_FIRST,
  confidence: {
    name: 'confidence',
    expression: (alias) => sql.ref(`${alias}.confidence`),
    type: 'float8',
    valueOf: (row) => row.confidence,
  },
  applications: {
    name: 'applications',
    expression: (alias) => sql.ref(`${alias}.application_count`),
    type: 'int4',
    valueOf: (row) => row.applicationCount,
  },
};
