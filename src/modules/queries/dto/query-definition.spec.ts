import { filterValueProblem, type QueryDefinitionDto, queryReferenceErrors } from './query-definition.dto.js';

describe('query definitions', () => {
  it.each([
    ['eq', 'paid', true],
    ['eq', { nested: 1 }, false],
    ['gt', Infinity, false],
    ['in', ['a', 1, false], true],
    ['in', [], false],
    ['in', 'a', false],
    ['between', [1, 2], true],
    ['between', [1, 2, 3], false],
    ['is_null', undefined, true],
    ['is_null', true, true],
    ['is_null', 'yes', false],
    ['like', 'A%', true],
    ['like', 3, false],
  ] as const)('%s with %p: valid %p', (operator, value, valid) => {
    expect(filterValueProblem(operator, value) === undefined).toBe(valid);
  });

  it('finds references to tables the query does not name, and * outside count', () => {
    const query = {
      tables: [{ table: 'orders', alias: 'o' }],
      columns: [
        { table: 'o', column: '*', aggregation: 'count' },
        { table: 'orders', column: 'id' },
        { table: 'users', column: '*' },
      ],
      filters: [{ table: 'x', column: 'a', operator: 'eq', value: 1 }],
      orderBy: [{ column: 'id', direction: 'asc' }],
    } as QueryDefinitionDto;
    expect(queryReferenceErrors(query, 'query').map((error) => error.field)).toEqual([
      'query.columns.2.table',
      'query.columns.2.column',
      'query.filters.0.table',
    ]);
  });
});
