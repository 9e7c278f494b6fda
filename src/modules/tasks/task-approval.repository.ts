import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { type ApprovalDecision, TaskApproval } from './task-approval.entity.js';

export interface NewApproval {
  taskId: string;
  decision: ApprovalDecision;
  reason: string | null;
  artifactIds: string[];
}

/** The human decisions on the current tenant's tasks. */
export class TaskApprovalRepository extends TenantRepository<TaskApproval> {
  /** A decision (with whatever else the unit of work holds, such as the artifacts it marks). */
  @RecordSql([{ taskId: EXAMPLE_ID, decision: 'approved', reason: 'Looks right', artifactIds: [EXAMPLE_ID] }])
  async add(fields: NewApproval): Promise<TaskApproval> {
    const approval = this.em.create(TaskApproval, fields);
    await this.em.flush();
    return approval;
  }
}
