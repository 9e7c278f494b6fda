import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../../platform/database/sql/record-sql.decorator.js';
import { queryRows } from '../../../platform/database/sql/sql.js';
import { TenantRepository } from '../../../platform/database/tenant-repository.js';
import { TenantContext } from '../../../platform/tenancy/tenant-context.js';
import type { WorkflowTables } from '../workflows.tables.js';
import type { OpenLineageEvent } from './openlineage-event.entity.js';

export interface RunEventKey {
  runId: string;
  eventType: string;
  eventTime: Date;
}

/** The identities of the OpenLineage events applied so far. */
export class OpenLineageEventRepository extends TenantRepository<OpenLineageEvent> {
  /**
   * Records the event as applied to the execution; false when it already was (a replay). A replay
   * racing its original waits on the unique key and then finds it taken.
   */
  @RecordSql([{ runId: EXAMPLE_ID, eventType: 'COMPLETE', eventTime: new Date(0) }, EXAMPLE_ID])
  async recordOnce(key: RunEventKey, executionId: string): Promise<boolean> {
    const rows = await queryRows(
      this.em,
      this.em
        .getKysely<WorkflowTables>()
        .insertInto('openlineage_events')
        .values({
          id: uuidv7(),
          tenant_id: TenantContext.current().tenantId,
          run_id: key.runId,
          event_type: key.eventType,
          event_time: key.eventTime,
          execution_id: executionId,
          received_at: new Date(),
        })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'run_id', 'event_type', 'event_time']).doNothing())
        .returning('id'),
    );
    return rows.length > 0;
  }

  /** Whether the event was applied already. */
  @RecordSql([{ runId: EXAMPLE_ID, eventType: 'COMPLETE', eventTime: new Date(0) }])
  async wasApplied(key: RunEventKey): Promise<boolean> {
    return (await this.count({ runId: key.runId, eventType: key.eventType, eventTime: key.eventTime })) > 0;
  }
}
