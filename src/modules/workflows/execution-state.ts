export const ExecutionState = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type ExecutionState = (typeof ExecutionState)[keyof typeof ExecutionState];
export const EXECUTION_STATES = Object.values(ExecutionState);

/** The state machine of a workflow execution: every move it may make. Final states allow none. */
const NEXT_STATES: Record<ExecutionState, readonly ExecutionState[]> = {
  pending: [ExecutionState.Running, ExecutionState.Cancelled],
  running: [ExecutionState.Succeeded, ExecutionState.Failed, ExecutionState.Cancelled],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function allowedNextStates(from: ExecutionState): readonly ExecutionState[] {
  return NEXT_STATES[from];
}

export function canTransition(from: ExecutionState, to: ExecutionState): boolean {
  return NEXT_STATES[from].includes(to);
}

export function isFinal(state: ExecutionState): boolean {
  return NEXT_STATES[state].length === 0;
}
