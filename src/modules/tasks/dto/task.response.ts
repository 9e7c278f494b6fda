import {
  AnyJson,
  arrayOf,
  enumOf,
  Instant,
  Integer,
  JsonObject,
  namedSchema,
  nullable,
  objectOf,
  pageOf,
  Uuid,
} from '../../../platform/http/openapi.js';
import { AGENT_TYPES } from '../../shared/agent-type.js';
import { APPROVAL_DECISIONS } from '../task-approval.entity.js';
import { ExecutionStatus } from '../task-execution.entity.js';
import { TASK_STATES } from '../task-state.js';

/** The response schemas of the tasks module, matching task.view.ts. */

const State = enumOf(TASK_STATES);
const Agent = enumOf(AGENT_TYPES);
const Status = enumOf(ExecutionStatus);
const Bytes = { type: 'integer', minimum: 0, nullable: true, description: 'Size in bytes of the JSON text; null when absent.' } as const;

const countsByState = objectOf(Object.fromEntries(TASK_STATES.map((state) => [state, Integer])), {
  description: 'Every state, with 0 where none.',
});

export const TaskCountsSchema = namedSchema('TaskCounts', objectOf({ total: Integer, byState: countsByState }));

const taskFields = {
  id: Uuid,
  projectId: nullable(Uuid),
  userId: { type: 'string' },
  prompt: { type: 'string', example: 'Add a dark theme to the settings page' },
  state: State,
  currentAgent: nullable(Agent),
  config: JsonObject,
  result: AnyJson,
  error: AnyJson,
  metadata: JsonObject,
  dependsOn: arrayOf(Uuid, 'The tasks this one waits for.'),
  createdAt: Instant,
  updatedAt: Instant,
  completedAt: nullable(Instant),
} as const;

export const TaskSchema = namedSchema('Task', objectOf(taskFields, { description: 'A task with all its fields.' }));

export const ReviewSchema = namedSchema(
  'Review',
  objectOf({
    id: Uuid,
    executionId: Uuid,
    iteration: Integer,
    agentType: Agent,
    qualityScore: { type: 'number' },
    completenessScore: { type: 'number' },
    correctnessScore: { type: 'number' },
    overallScore: { type: 'number' },
    gaps: arrayOf({}),
    requirements: arrayOf({}),
    decision: { type: 'string' },
    reasoning: { type: 'string', nullable: true },
    durationMs: { type: 'integer', nullable: true },
    createdAt: Instant,
  }),
);

export const ExecutionSchema = namedSchema(
  'Execution',
  objectOf({
    id: Uuid,
    taskId: Uuid,
    agentType: Agent,
    input: AnyJson,
    status: Status,
    output: AnyJson,
    error: AnyJson,
    durationMs: { type: 'integer', nullable: true },
    tokensUsed: { type: 'integer', nullable: true },
    startedAt: Instant,
    finishedAt: nullable(Instant),
    reviews: arrayOf(ReviewSchema),
  }),
);

export const ExecutionSummarySchema = namedSchema(
  'ExecutionSummary',
  objectOf(
    {
      id: Uuid,
      taskId: Uuid,
      agentType: Agent,
      status: Status,
      durationMs: { type: 'integer', nullable: true },
      tokensUsed: { type: 'integer', nullable: true },
      startedAt: Instant,
      finishedAt: nullable(Instant),
      sizes: objectOf({ input: Bytes, output: Bytes, error: Bytes }),
      reviewCount: Integer,
    },
    { description: 'An execution without its large fields and reviews: their sizes instead.' },
  ),
);

const artifactFields = {
  id: Uuid,
  taskId: Uuid,
  executionId: nullable(Uuid),
  type: { type: 'string' },
  path: { type: 'string' },
  contentBytes: Integer,
  metadata: JsonObject,
  approved: { type: 'boolean', nullable: true },
  createdAt: Instant,
} as const;

export const ArtifactSummarySchema = namedSchema(
  'ArtifactSummary',
  objectOf(artifactFields, { description: 'An artifact without its content.' }),
);
export const ArtifactSchema = namedSchema('Artifact', objectOf({ ...artifactFields, content: { type: 'string', nullable: true } }));

export const ApprovalSchema = namedSchema(
  'Approval',
  objectOf({
    id: Uuid,
    taskId: Uuid,
    decision: enumOf(APPROVAL_DECISIONS),
    reason: { type: 'string', nullable: true },
    artifactIds: arrayOf(Uuid),
    approverId: { type: 'string' },
    createdAt: Instant,
  }),
);

export const TaskDetailSchema = namedSchema(
  'TaskDetail',
  objectOf(
    {
      ...taskFields,
      executionCount: Integer,
      executions: arrayOf(ExecutionSummarySchema, 'The latest executions, newest first.'),
      artifacts: arrayOf(ArtifactSummarySchema),
      approvals: arrayOf(ApprovalSchema),
    },
    { description: 'A task whole, with its latest executions, its artifacts (without content) and approvals.' },
  ),
);

const preview = { type: 'string', nullable: true } as const;
export const TaskListItemSchema = namedSchema(
  'TaskListItem',
  objectOf(
    {
      id: Uuid,
      projectId: nullable(Uuid),
      userId: { type: 'string' },
      prompt: { type: 'string', nullable: true, description: 'A preview of the prompt.' },
      state: State,
      currentAgent: nullable(Agent),
      previews: objectOf(
        { config: preview, metadata: preview, result: preview, error: preview },
        { description: "Previews of the JSON fields' text." },
      ),
      sizes: objectOf({ prompt: Bytes, config: Bytes, metadata: Bytes, result: Bytes, error: Bytes }),
      dependsOn: arrayOf(Uuid),
      createdAt: Instant,
      updatedAt: Instant,
      completedAt: nullable(Instant),
    },
    { description: 'A task in a list: its large fields as previews with their sizes.' },
  ),
);

export const TaskPageSchema = pageOf('TaskPage', TaskListItemSchema);
export const ExecutionSummaryPageSchema = pageOf('ExecutionSummaryPage', ExecutionSummarySchema);
export const ReviewPageSchema = pageOf('ReviewPage', ReviewSchema);

export const TaskStatsSchema = namedSchema(
  'TaskStats',
  objectOf(
    {
      total: Integer,
      byState: countsByState,
      byProject: arrayOf(objectOf({ projectId: nullable(Uuid), total: Integer, byState: countsByState }), 'With `groupBy=project` only.'),
    },
    { optional: ['byProject'] },
  ),
);

export const LineageSchema = namedSchema(
  'Lineage',
  objectOf(
    {
      nodes: arrayOf(
        objectOf({
          id: Uuid,
          state: State,
          projectId: nullable(Uuid),
          currentAgent: { type: 'string', nullable: true },
          depth: Integer,
          direction: enumOf(['self', 'upstream', 'downstream']),
        }),
      ),
      edges: arrayOf(objectOf({ from: Uuid, to: Uuid }, { description: '`from` depends on `to`.' })),
      truncated: { type: 'boolean' },
      hint: { type: 'string', description: 'How to see the rest of a truncated lineage.' },
    },
    { optional: ['hint'] },
  ),
);

export const ApprovalOutcomeSchema = namedSchema(
  'ApprovalOutcome',
  objectOf(
    { approval: ApprovalSchema, task: objectOf({ id: Uuid, state: State, completedAt: nullable(Instant) }) },
    { description: 'The approval, and the task as it now stands (approved: running again; rejected: cancelled).' },
  ),
);
