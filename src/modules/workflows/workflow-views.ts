import type { ExecutionState } from './execution-state.js';

/** What a client writes of a workflow version. */
export interface VersionContent {
  description: string | null;
  definition: WorkflowDefinition;
  inputs: string[];
  outputs: string[];
}

export interface WorkflowStep {
  name: string;
  command?: string;
  dependsOn?: string[];
  config?: Record<string, unknown>;
}

export interface WorkflowDefinition {
  steps: WorkflowStep[];
  schedule?: string;
}

/** A workflow at one of its versions (instants as ISO 8601 text). */
export interface WorkflowVersionView extends VersionContent {
  id: string;
  name: string;
  version: number;
  latestVersion: number;
  createdBy: string;
  createdAt: string;
  versionCreatedAt: string;
  /** A global catalogue template: every tenant reads and runs it (executions are the tenant's own), none changes it. */
  global: boolean;
}

export interface ExecutionView {
  id: string;
  workflowId: string;
  workflowName: string;
  /** The workflow run is a global catalogue template (the execution itself is the tenant's). */
  workflowGlobal: boolean;
  version: number;
  state: ExecutionState;
  parameters: unknown;
  errorMessage: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

/** A workflow that reads or produces some of the given assets (impact analysis). */
export interface WorkflowUse {
  id: string;
  name: string;
  version: number;
  reads: string[];
  produces: string[];
}
