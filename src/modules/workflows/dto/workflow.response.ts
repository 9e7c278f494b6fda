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
import { EXECUTION_STATES } from '../execution-state.js';
import { RUN_EVENT_TYPES } from '../openlineage/run-event.dto.js';

/** The response schemas of the workflows module (and OpenLineage ingestion), matching workflow-views.ts. */

const State = enumOf(EXECUTION_STATES);

const WorkflowStepSchema = objectOf(
  { name: { type: 'string' }, command: { type: 'string' }, dependsOn: arrayOf({ type: 'string' }), config: JsonObject },
  { optional: ['command', 'dependsOn', 'config'] },
);

export const WorkflowVersionSchema = namedSchema(
  'WorkflowVersion',
  objectOf(
    {
      id: Uuid,
      name: { type: 'string', example: 'nightly-orders' },
      version: { type: 'integer', minimum: 1 },
      latestVersion: { type: 'integer', minimum: 1 },
      description: { type: 'string', nullable: true },
      definition: objectOf({ steps: arrayOf(WorkflowStepSchema), schedule: { type: 'string' } }, { optional: ['schedule'] }),
      inputs: arrayOf(Uuid, 'The assets the version reads.'),
      outputs: arrayOf(Uuid, 'The assets the version produces.'),
      createdBy: { type: 'string' },
      createdAt: Instant,
      versionCreatedAt: Instant,
      global: { type: 'boolean', description: 'A global catalogue template: every tenant reads and runs it, none changes it.' },
    },
    { description: 'A workflow at one of its versions.' },
  ),
);

export const WorkflowVersionPageSchema = pageOf('WorkflowVersionPage', WorkflowVersionSchema);

export const WorkflowExecutionSchema = namedSchema(
  'WorkflowExecution',
  objectOf({
    id: Uuid,
    workflowId: Uuid,
    workflowName: { type: 'string' },
    workflowGlobal: { type: 'boolean' },
    version: Integer,
    state: State,
    parameters: AnyJson,
    errorMessage: { type: 'string', nullable: true },
    createdAt: Instant,
    startedAt: nullable(Instant),
    completedAt: nullable(Instant),
  }),
);

export const WorkflowExecutionPageSchema = pageOf('WorkflowExecutionPage', WorkflowExecutionSchema);

export const OpenLineageIngestionSchema = namedSchema(
  'OpenLineageIngestion',
  objectOf(
    {
      events: arrayOf(
        objectOf({
          runId: { type: 'string' },
          eventType: enumOf(RUN_EVENT_TYPES),
          executionId: nullable(Uuid),
          state: nullable(State),
          replayed: { type: 'boolean', description: 'The same event (run, type, time) was applied before: nothing changed.' },
        }),
        'Each event, in the order sent.',
      ),
    },
    { description: 'What the events did.' },
  ),
);
