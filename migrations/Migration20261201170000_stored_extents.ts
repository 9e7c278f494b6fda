import { Migration } from '@mikro-orm/migrations';

const TASK_FIELDS = ['prompt', 'config', 'metadata', 'result', 'error'];
const EXECUTION_FIELDS = ['input', 'output', 'error'];
/** PREVIEW_CHARS of src/modules/tasks/task-limits.ts, as it is when this migration lands. */
const PREVIEW_CHARS = 200;
const textOf = (field: string) => (field === 'prompt' ? field : `${field}::text`);
const TASK_COLUMNS = TASK_FIELDS.flatMap((field) => [`${field}_preview`, `${field}_bytes`]);
const EXECUTION_COLUMNS = EXECUTION_FIELDS.map((field) => `${field}_bytes`);
/** The audit trigger of each table, as the audit migration created it (resource type, options). */
const AUDITED = {
  tasks: ['task', 'state=transition'],
  task_executions: ['task_execution', 'status=finish'],
};

/**
 * The previews and sizes that list items and execution summaries show, computed once when a row is
 * written (stored generated columns) instead of on every read: a page of summaries no longer makes
 * PostgreSQL unpack every large value on it (up to 150 MB for 200 executions at their caps). The
 * audit trail leaves them out, as it does other derived columns.
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
    // Derived from audited fields: an entry records the field itself, never its preview and size again.
    this.auditWith('tasks', [...AUDITED.tasks, ...TASK_COLUMNS.map((column) => `-${column}`)]);
    this.auditWith('task_executions', [...AUDITED.task_executions, ...EXECUTION_COLUMNS.map((column) => `-${column}`)]);
  }

  override down(): void | Promise<void> {
    this.auditWith('tasks', AUDITED.tasks);
    this.auditWith('task_executions', AUDITED.task_executions);
    this.addSql(`alter table "tasks" ${TASK_COLUMNS.map((column) => `drop column "${column}"`).join(', ')};`);
    this.addSql(`alter table "task_executions" ${EXECUTION_COLUMNS.map((column) => `drop column "${column}"`).join(', ')};`);
  }

  private auditWith(table: string, args: string[]): void {
    this.addSql(`drop trigger audit_capture on "${table}";`);
    this.addSql(`create trigger audit_capture after insert or update or delete on "${table}" for each row execute function audit_capture(${args.map((arg) => `'${arg}'`).join(', ')});`);
  }

}
