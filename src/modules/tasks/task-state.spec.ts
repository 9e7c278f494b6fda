import { allowedNextStates, canTransition, FINAL_STATES, isFinal, TASK_STATES, TaskState } from './task-state.js';

describe('task state machine', () => {
  const legal: [TaskState, TaskState][] = [
    ['pending', 'running'],
    ['pending', 'cancelled'],
    ['running', 'awaiting_approval'],
    ['running', 'completed'],
    ['running', 'failed'],
    ['running', 'cancelled'],
    ['awaiting_approval', 'running'],
    ['awaiting_approval', 'cancelled'],
  ];

  it('allows exactly the documented moves', () => {
    const allowed = TASK_STATES.flatMap((from) => TASK_STATES.filter((to) => canTransition(from, to)).map((to) => [from, to]));
    expect(allowed.sort()).toEqual(legal.sort());
  });

  it('has completed, failed and cancelled as the only final states', () => {
    expect(TASK_STATES.filter(isFinal)).toEqual(['completed', 'failed', 'cancelled']);
    expect(allowedNextStates('completed')).toEqual([]);
    expect(FINAL_STATES).toEqual(['completed', 'failed', 'cancelled']);
  });
});
