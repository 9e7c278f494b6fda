import { Migration } from '@mikro-orm/migrations';

const TASK_FIELDS = ['prompt', 'config', 'metadata', 'result', 'error'];
const EXECUTION_FIELDS = ['input', 'output', 'error'];
/** PREVIEW_CHARS of src/modules/tasks/task-limits.ts, as it is when this migration lands. */
const PREVIEW_CHARS = 200;
const textOf = (field: string) => (field === 'prompt' ? field : `${field}::text`);

/**
 * The previews and sizes that list items and execution summaries show, computed once when a row is
 * written (stored generated columns) instead of on every read: a page of summaries no longer makes
 * PostgreSQL unpack every large value on it (up to 150 MB for 200 executions at their caps).
 */
export class Migration20261201170000_stored_extents extends Migration {

  override name = 'Migration20261201170000_stored_extents';

  override up(): void | Promise<void> {
    const taskColumns = TASK_FIELDS.flatMap((field) => [
      `add column "${field}_preview" text generated always as (left(${textOf(field)}, ${PREVIEW_CHARS})) stored`,
      `add column "${field}_bytes" int generated always as (octet_length(${textOf(field)})) stored`,
    ]);
    this.addSql(`alter table "tasks" ${taskColumns.join(', ')};`);
    const executionColumns = EXECUTION_FIELDS.map((field) => `add column "${field}_bytes" int generated always as (octet_length(${field}::text)) stored`);
    this.addSql(`alter table "task_executions" ${executionColumns.join(', ')};`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tasks" ${TASK_FIELDS.flatMap((field) => [`drop column "${field}_preview"`, `drop column "${field}_bytes"`]).join(', ')};`);
    this.addSql(`alter table "task_executions" ${EXECUTION_FIELDS.map((field) => `drop column "${field}_bytes"`).join(', ')};`);
  }

}
