import { Injectable } from '@nestjs/common';
import { assertJsonWithin, KIB } from '../../platform/http/json-size.js';
import type { Page } from '../../platform/pagination/page.js';
import type { CountExecutionsQuery, ListExecutionsQuery } from './dto/list-executions.query.js';
import type { StartExecutionDto } from './dto/start-execution.dto.js';
import type { TransitionExecutionDto } from './dto/transition-execution.dto.js';
import { canTransition, EXECUTION_STATES, ExecutionState } from './execution-state.js';
import { WorkflowRepository } from './workflow.repository.js';
import { WorkflowExecutionRepository } from './workflow-execution.repository.js';
import { WorkflowProblems } from './workflow-problems.js';
import type { ExecutionView } from './workflow-views.js';

export const MAX_PARAMETERS_BYTES = 64 * KIB;

/** Runs of workflow versions, moved through the states of execution-state.ts. */
@Injectable()
export class WorkflowExecutionsService {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly executions: WorkflowExecutionRepository,
  ) {}

  /**
   * Runs the workflow the name reads as: the tenant's own, else the global template of that name
   * (ADR 0006). Either way the execution is the tenant's own, listed, counted and moved for it only.
   */
  async start(workflowName: string, input: StartExecutionDto): Promise<ExecutionView> {
    assertJsonWithin('parameters', input.parameters, MAX_PARAMETERS_BYTES);
    const workflow = (await this.workflows.view(workflowName)) ?? notFound();
    return (
      (await this.executions.add(workflow.id, { version: input.version, parameters: input.parameters ?? null })) ??
      notFound('workflow version')
    );
  }

  async get(id: string): Promise<ExecutionView> {
    return (await this.executions.view(id)) ?? notFound('workflow execution');
  }

  /**
   * One conditional statement moves the execution only from a state that allows the move (race-safe:
   * of two clients moving it at once, the second finds the state changed). When nothing moved, the
   * execution is read to tell a missing one (404) from a refused move (409 with the allowed states).
   */
  async transition(id: string, move: TransitionExecutionDto): Promise<ExecutionView> {
    if (move.errorMessage !== undefined && move.to !== ExecutionState.Failed) throw WorkflowProblems.misplacedErrorMessage();
    const from = EXECUTION_STATES.filter((state) => canTransition(state, move.to));
    // No state moves to `to` (pending): nothing to try, only the 404 or 409 to tell.
    const moved = from.length > 0 && (await this.executions.move(id, { to: move.to, from, errorMessage: move.errorMessage }));
    const execution = await this.get(id);
    if (!moved) throw WorkflowProblems.illegalTransition(execution.state, move.to);
    return execution;
  }

  async list(workflowName: string, query: ListExecutionsQuery): Promise<Page<ExecutionView>> {
    const workflow = (await this.workflows.view(workflowName)) ?? notFound();
    return this.executions.page(workflow.id, { state: query.state, version: query.version }, query);
  }

  async count(query: CountExecutionsQuery): Promise<{ count: number }> {
    return { count: await this.executions.countMatching(query.state, query.workflow) };
  }
}

function notFound(what = 'workflow'): never {
  throw WorkflowProblems.notFound(what);
}
