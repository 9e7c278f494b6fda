import { traceCycle } from './task-cycle.js';

describe('traceCycle', () => {
  it('follows each reached task back to the one that reached it, from the task round to itself', () => {
    // t → a (new edge), a → b, b → t: the walk from a reached b via a and t via b.
    const reached = [
      { id: 'a', via: 't' },
      { id: 'b', via: 'a' },
      { id: 't', via: 'b' },
    ];
    expect(traceCycle(reached, 't')).toEqual(['t', 'a', 'b', 't']);
  });

  it('gives the two-step cycle of a task that a new dependency already depends on', () => {
    expect(
      traceCycle(
        [
          { id: 'a', via: 't' },
          { id: 't', via: 'a' },
        ],
        't',
      ),
    ).toEqual(['t', 'a', 't']);
  });

  it('finds no cycle when the walk did not reach the task', () => {
    expect(traceCycle([{ id: 'a', via: 't' }], 't')).toBeUndefined();
    expect(traceCycle([], 't')).toBeUndefined();
  });
});
