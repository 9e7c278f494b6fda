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
