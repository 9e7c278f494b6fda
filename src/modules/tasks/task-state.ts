export const TaskState = {
  Pending: 'pending',
  Running: 'running',
  AwaitingApproval: 'awaiting_approval',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];
export const TASK_STATES = Object.values(TaskState);

/** The state machine: every move a task may make. Final states allow none. */
const NEXT_STATES: Record<TaskState, readonly TaskState[]> = {
  pending: [TaskState.Running, TaskState.Cancelled],
  running: [TaskState.AwaitingApproval, TaskState.Completed, TaskState.Failed, TaskState.Cancelled],
  awaiting_approval: [TaskState.Running, TaskState.Cancelled],
  completed: [],
  failed: [],
  cancelled: [],
};

export function allowedNextStates(from: TaskState): readonly TaskState[] {
  return NEXT_STATES[from];
}

export function canTransition(from: TaskState, to: TaskState): boolean {
  return NEXT_STATES[from].includes(to);
}

/** The states a task ends in (and may be deleted in). */
export const FINAL_STATES: readonly TaskState[] = TASK_STATES.filter((state) => NEXT_STATES[state].length === 0);

export function isFinal(state: TaskState): boolean {
  return NEXT_STATES[state].length === 0;
}
