import { definitionErrors } from './workflow-definition.js';

describe('definitionErrors', () => {
  it('accepts a DAG of uniquely named steps', () => {
    expect(definitionErrors({ steps: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'c', dependsOn: ['a', 'b'] }] })).toEqual([]);
  });

  it.each([
    ['a duplicate name', [{ name: 'a' }, { name: 'a' }], /unique: a/],
    ['an unknown prerequisite', [{ name: 'a', dependsOn: ['ghost'] }], /unknown steps: ghost/],
    [
      'a cycle',
      [{ name: 'a', dependsOn: ['c'] }, { name: 'b', dependsOn: ['a'] }, { name: 'c', dependsOn: ['b'] }, { name: 'd' }],
      /cycle through: a, b, c$/,
    ],
    ['a step depending on itself', [{ name: 'a', dependsOn: ['a'] }], /cycle through: a$/],
  ])('refuses %s', (_case, steps, message) => {
    const [error] = definitionErrors({ steps });
    expect(error.field).toBe('definition.steps');
    expect(error.messages[0]).toMatch(message);
  });
});
