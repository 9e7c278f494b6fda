import type { ColumnType, Generated } from 'kysely';
import type { AgentType } from '../shared/agent-type.js';

/** Columns the database computes: read, never written. */
type GeneratedAlways<T> = ColumnType<T, never, never>;
/** JSON columns: read as parsed values, written as JSON text (cast by the statement). */
type JsonColumn = ColumnType<unknown, string, string>;

/** The tables of this module as its Kysely queries see them (column names as in the database). */
export interface LessonTables {
  lessons: {
    id: string;
    tenant_id: string;
    category: string;
    title: string;
    summary: string;
    details: string | null;
    tags: string[];
    source_agent: AgentType | null;
    task_id: string | null;
    confidence: Generated<number>;
    application_count: Generated<number>;
    success_rate: number | null;
    human_validated: Generated<boolean>;
    created_at: Date;
    updated_at: Date;
    /** Weighted title (A) > summary (B) > details (C), for full-text search. */
    search_vector: GeneratedAlways<unknown>;
  };
  patterns: {
    id: string;
    tenant_id: string;
    type: string;
    agent_type: AgentType | null;
    pattern: JsonColumn;
    frequency: Generated<number>;
    last_seen: Date;
    created_at: Date;
    /** The pattern's identity (md5 of its jsonb text, whatever the key order it came in). */
    pattern_hash: GeneratedAlways<string>;
  };
}
