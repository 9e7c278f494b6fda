import { allowedNextStates, canTransition, EXECUTION_STATES, isFinal } from './execution-state.js';

describe('execution states', () => {
  it('moves pending → running → succeeded | failed | cancelled, and pending → cancelled', () => {
    const moves = EXECUTION_STATES.flatMap((from) => EXECUTION_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(moves).toEqual(['pending→running', 'pending→cancelled', 'running→succeeded', 'running→failed', 'running→cancelled']);
  });

  it('ends in succeeded, failed and cancelled', () => {
    expect(EXECUTION_STATES.filter(isFinal)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(allowedNextStates('succeeded')).toEqual([]);
  });
});
