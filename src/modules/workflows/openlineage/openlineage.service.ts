import { Injectable } from '@nestjs/common';
import { AssetsService } from '../../assets/assets.service.js';
import { canTransition, ExecutionState } from '../execution-state.js';
import { WorkflowExecutionRepository } from '../workflow-execution.repository.js';
import type { WorkflowVersionView } from '../workflow-views.js';
import { WorkflowsService } from '../workflows.service.js';
import { OpenLineageEventRepository, type RunEventKey } from './openlineage-event.repository.js';
import { assetNameOf, workflowNameOf } from './openlineage-names.js';
import type { RunEventDto, RunEventType } from './run-event.dto.js';

/** The execution state each event type reports; OTHER only adds metadata. */
const STATE_OF: Record<RunEventType, ExecutionState | undefined> = {
  START: ExecutionState.Running,
  RUNNING: ExecutionState.Running,
  COMPLETE: ExecutionState.Succeeded,
  FAIL: ExecutionState.Failed,
  ABORT: ExecutionState.Cancelled,
  OTHER: undefined,
};

/** A job reported by OpenLineage has no steps Tessera knows of: its workflow runs as one. */
const REPORTED_DEFINITION = { steps: [{ name: 'run' }] };
const DATASET_ASSET_TYPE = 'dataset';

export interface AppliedEvent {
  runId: string;
  eventType: RunEventType;
  executionId: string | null;
  state: ExecutionState | null;
  /** The same event (run, type, time) was applied before: nothing changed. */
  replayed: boolean;
}

/**
 * OpenLineage ingestion: Airflow, Spark or dbt integrations report runs, and Tessera keeps them as
 * its own records. A job is a workflow, a run an execution (by runId), datasets are assets (created
 * when unknown) and a job's inputs and outputs, when an event reports them, become its declared ones
 * (a new version when they changed, so the data edges input → output follow). Each event applies
 * once; the request's single transaction makes a batch all or nothing.
 */
@Injectable()
export class OpenLineageService {
  constructor(
    private readonly assets: AssetsService,
    private readonly workflows: WorkflowsService,
    private readonly executions: WorkflowExecutionRepository,
    private readonly events: OpenLineageEventRepository,
  ) {}

  async ingest(events: RunEventDto[]): Promise<{ events: AppliedEvent[] }> {
    const applied: AppliedEvent[] = [];
    for (const event of events) applied.push(await this.apply(event));
    return { events: applied };
  }

  private async apply(event: RunEventDto): Promise<AppliedEvent> {
    const eventType = event.eventType ?? 'OTHER';
    const key: RunEventKey = { runId: event.run.runId.toLowerCase(), eventType, eventTime: new Date(event.eventTime) };
    if (await this.events.wasApplied(key)) return { runId: key.runId, eventType, executionId: null, state: null, replayed: true };
    const workflow = await this.workflowOf(event);
    const execution = await this.recordRun(workflow, key, STATE_OF[eventType], errorMessageOf(event));
    await this.events.recordOnce(key, execution.id);
    return { runId: key.runId, eventType, executionId: execution.id, state: execution.state, replayed: false };
  }

  private async workflowOf(event: RunEventDto): Promise<WorkflowVersionView> {
    const ids = await this.assets.ensureNamed([...(event.inputs ?? []), ...(event.outputs ?? [])].map(assetNameOf), DATASET_ASSET_TYPE);
    const declared = {
      inputs: (event.inputs ?? []).map((dataset) => ids.get(assetNameOf(dataset))!),
      outputs: (event.outputs ?? []).map((dataset) => ids.get(assetNameOf(dataset))!),
    };
    const name = workflowNameOf(event.job);
    const latest = await this.workflows.find(name);
    // A global template of the same name stays the catalogue's: the job gets a workflow of the tenant's own.
    if (!latest || latest.global) {
      return this.workflows.create({
        name,
        description: `OpenLineage job ${event.job.namespace} ${event.job.name}`,
        definition: REPORTED_DEFINITION,
        ...declared,
      });
    }
    if (declared.inputs.length === 0 && declared.outputs.length === 0) return latest;
    return (await this.workflows.put(name, { description: latest.description, definition: latest.definition, ...declared })).workflow;
  }

  /** The run's execution, created at the state its first event reports, else moved when the move is legal (late events change nothing). */
  private async recordRun(
    workflow: WorkflowVersionView,
    key: RunEventKey,
    state: ExecutionState | undefined,
    errorMessage: string | undefined,
  ) {
    const existing = await this.executions.ofRun(key.runId);
    if (!existing) {
      const created = await this.executions.add(workflow.id, {
        parameters: null,
        runId: key.runId,
        state: state ?? ExecutionState.Pending,
        errorMessage,
        at: key.eventTime,
      });
      return { id: created!.id, state: created!.state };
    }
    if (!state || !canTransition(existing.state, state)) return existing;
    await this.executions.move(existing.id, { to: state, from: [existing.state], errorMessage, at: key.eventTime });
    return { id: existing.id, state };
  }
}

/** A failed run's message: its errorMessage facet's, or a sentence saying where the failure was reported. */
function errorMessageOf(event: RunEventDto): string | undefined {
  if (event.eventType !== 'FAIL') return undefined;
  const facet = event.run.facets?.errorMessage as { message?: unknown } | undefined;
  return typeof facet?.message === 'string' && facet.message.trim()
    ? facet.message.slice(0, 10_000)
    : 'The run failed (reported by an OpenLineage FAIL event).';
}
