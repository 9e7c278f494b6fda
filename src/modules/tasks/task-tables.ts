import type { AgentType } from '../shared/agent-type.js';
import type { LargeTaskField } from './task.view.js';
import type { ApprovalDecision } from './task-approval.entity.js';
import type { ExecutionStatus } from './task-execution.entity.js';
import type { TaskState } from './task-state.js';

/**
 * The columns of this module's tables that its typed Kysely queries read, as PostgreSQL returns them:
 * the entities' columns plus the extents the database stores beside the large fields (generated
 * columns, which no entity maps). A column named here that the schema lacks fails in the repository's
 * integration spec, not silently.
 */
export interface TaskTables {
  tasks: {
    id: string;
    tenant_id: string;
    project_id: string | null;
    user_id: string;
    prompt: string;
    state: TaskState;
    current_agent: AgentType | null;
    config: Record<string, unknown>;
    result: unknown;
    error: unknown;
    metadata: Record<string, unknown>;
    created_at: Date;
    updated_at: Date;
    completed_at: Date | null;
  } & LargeFieldExtents<LargeTaskField>;
  task_executions: {
    id: string;
    tenant_id: string;
    task_id: string;
    agent_type: AgentType;
    status: ExecutionStatus;
    duration_ms: number | null;
    tokens_used: number | null;
    started_at: Date;
    finished_at: Date | null;
    input_bytes: number | null;
    output_bytes: number | null;
    error_bytes: number | null;
  };
  execution_reviews: {
    id: string;
    tenant_id: string;
    execution_id: string;
    iteration: number;
    agent_type: AgentType;
    quality_score: number;
    completeness_score: number;
    correctness_score: number;
    overall_score: number;
    gaps: string[];
    requirements: string[];
    decision: string;
    reasoning: string | null;
    duration_ms: number | null;
    created_at: Date;
  };
  task_artifacts: {
    id: string;
    tenant_id: string;
    task_id: string;
    execution_id: string | null;
    type: string;
    path: string;
    content_bytes: number;
    metadata: Record<string, unknown>;
    approved: boolean | null;
    created_at: Date;
  };
  task_approvals: {
    id: string;
    tenant_id: string;
    task_id: string;
    decision: ApprovalDecision;
    reason: string | null;
    artifact_ids: string[];
    approver_id: string;
    created_at: Date;
  };
  task_dependencies: {
    tenant_id: string;
    task_id: string;
    depends_on_id: string;
  };
}

/** A large field's preview (its first characters) and size in bytes, both null when the field is. */
type LargeFieldExtents<Field extends string> = { [F in Field as `${F}_preview`]: string | null } & {
  [F in Field as `${F}_bytes`]: number | null;
};
