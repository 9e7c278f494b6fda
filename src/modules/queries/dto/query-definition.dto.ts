import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import type { FieldError } from '../../../platform/errors/problem.js';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';

/**
 * The query definition of widgets and saved queries: a declarative, validated description (never SQL)
 * of what a chart shows. Shared vocabulary of the dashboards, widgets and queries modules; unknown
 * keys anywhere are refused by the global whitelisting validation.
 */
export const AGGREGATIONS = ['none', 'sum', 'avg', 'count', 'count_distinct', 'min', 'max'] as const;
export const FILTER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'like', 'between', 'is_null'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;

/** A SQL identifier as PostgreSQL writes it unquoted: letters, digits, underscores; at most 63 bytes. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTIFIER_MESSAGE = (field: string) => `${field} must be an identifier (letters, digits, _; not starting with a digit)`;
export const MAX_QUERY_ITEMS = 50;
export const MAX_QUERY_LIMIT = 100_000;
const MAX_IN_VALUES = 1_000;
const MAX_VALUE_LENGTH = 1_000;

const Identifier = (field: string) => [IsString(), MaxLength(63), Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE(field) })];
function apply(target: object, key: string, decorators: PropertyDecorator[]): void {
  for (const decorator of decorators) decorator(target, key);
}

export class QueryTableDto {
  @ApiProperty({ maxLength: 63, pattern: IDENTIFIER.source })
  table!: string;

  @ApiPropertyOptional({ maxLength: 63, pattern: IDENTIFIER.source })
  schema?: string;

  @ApiPropertyOptional({ maxLength: 63, pattern: IDENTIFIER.source })
  alias?: string;
}
apply(QueryTableDto.prototype, 'table', Identifier('table'));
apply(QueryTableDto.prototype, 'schema', [IsOmittable(), ...Identifier('schema')]);
apply(QueryTableDto.prototype, 'alias', [IsOmittable(), ...Identifier('alias')]);

/** Aggregation names are case-insensitive on input and canonical (lower case) once validated and stored. */
function canonicalAggregation({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

export class QueryColumnDto {
  @ApiProperty({ maxLength: 63, description: 'A table name or alias of `tables`.' })
  table!: string;

  @ApiProperty({ maxLength: 63, description: 'A column name, or `*` with the count aggregation.' })
  @IsString()
  @MaxLength(63)
  @Matches(/^([A-Za-z_][A-Za-z0-9_]*|\*)$/, { message: 'column must be an identifier or *' })
  column!: string;

  @ApiPropertyOptional({ enum: AGGREGATIONS, default: 'none', description: 'Case-insensitive (`SUM` = `sum`); stored in lower case.' })
  @IsOmittable()
  @Transform(canonicalAggregation)
  @IsIn(AGGREGATIONS)
  aggregation?: (typeof AGGREGATIONS)[number];

  @ApiPropertyOptional({ maxLength: 63 })
  alias?: string;
}
apply(QueryColumnDto.prototype, 'table', Identifier('table'));
apply(QueryColumnDto.prototype, 'alias', [IsOmittable(), ...Identifier('alias')]);

/** A filter's value must fit its operator: a list for `in`, two bounds for `between`, none for `is_null`. */
@ValidatorConstraint({ name: 'filterValue' })
class FilterValueFitsOperator implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return filterValueProblem((args.object as QueryFilterDto).operator, value) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return filterValueProblem((args.object as QueryFilterDto).operator, args.value) ?? 'value is invalid';
  }
}

const isScalar = (value: unknown) =>
  (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  typeof value === 'boolean';

export function filterValueProblem(operator: FilterOperator, value: unknown): string | undefined {
  switch (operator) {
    case 'is_null':
      return value === undefined || typeof value === 'boolean' ? undefined : 'value of is_null must be absent, true or false';
    case 'in':
      return Array.isArray(value) && value.length >= 1 && value.length <= MAX_IN_VALUES && value.every(isScalar)
        ? undefined
        : `value of in must be an array of 1–${MAX_IN_VALUES} strings, numbers or booleans`;
    case 'between':
      return Array.isArray(value) && value.length === 2 && value.every(isScalar)
        ? undefined
        : 'value of between must be an array of two bounds';
    case 'like':
      return typeof value === 'string' && value.length <= MAX_VALUE_LENGTH ? undefined : 'value of like must be a string';
    default:
      return isScalar(value)
        ? undefined
        : `value of ${operator} must be a string (≤ ${MAX_VALUE_LENGTH} characters), a finite number or a boolean`;
  }
}

export class QueryFilterDto {
  @ApiProperty({ maxLength: 63 })
  table!: string;

  @ApiProperty({ maxLength: 63 })
  column!: string;

  @ApiProperty({ enum: FILTER_OPERATORS })
  @IsIn(FILTER_OPERATORS)
  operator!: FilterOperator;

  @ApiPropertyOptional({ description: 'A scalar; an array for `in`; [from, to] for `between`; absent (or a boolean) for `is_null`.' })
  @Validate(FilterValueFitsOperator)
  value?: unknown;
}
apply(QueryFilterDto.prototype, 'table', Identifier('table'));
apply(QueryFilterDto.prototype, 'column', Identifier('column'));

export class QueryGroupByDto {
  @ApiProperty({ maxLength: 63 })
  table!: string;

  @ApiProperty({ maxLength: 63 })
  column!: string;
}
apply(QueryGroupByDto.prototype, 'table', Identifier('table'));
apply(QueryGroupByDto.prototype, 'column', Identifier('column'));

export class QueryOrderByDto {
  @ApiProperty({ maxLength: 63, description: 'A column, or the alias of a selected column.' })
  column!: string;

  @ApiPropertyOptional({ maxLength: 63 })
  table?: string;

  @ApiProperty({ enum: SORT_DIRECTIONS })
  @IsIn(SORT_DIRECTIONS)
  direction!: (typeof SORT_DIRECTIONS)[number];
}
apply(QueryOrderByDto.prototype, 'column', Identifier('column'));
apply(QueryOrderByDto.prototype, 'table', [IsOmittable(), ...Identifier('table')]);

export class QueryDefinitionDto {
  @ApiProperty({ type: [QueryTableDto], minItems: 1, maxItems: MAX_QUERY_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_QUERY_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QueryTableDto)
  tables!: QueryTableDto[];

  @ApiProperty({ type: [QueryColumnDto], minItems: 1, maxItems: MAX_QUERY_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_QUERY_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QueryColumnDto)
  columns!: QueryColumnDto[];

  @ApiPropertyOptional({ type: [QueryFilterDto], maxItems: MAX_QUERY_ITEMS })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_QUERY_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QueryFilterDto)
  filters?: QueryFilterDto[];

  @ApiPropertyOptional({ type: [QueryGroupByDto], maxItems: MAX_QUERY_ITEMS })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_QUERY_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QueryGroupByDto)
  groupBy?: QueryGroupByDto[];

  @ApiPropertyOptional({ type: [QueryOrderByDto], maxItems: MAX_QUERY_ITEMS })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_QUERY_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QueryOrderByDto)
  orderBy?: QueryOrderByDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_QUERY_LIMIT })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_QUERY_LIMIT)
  limit?: number;
}

/** A query definition as plain JSON (class instances from validation stored as they would serialise). */
export function plainQuery(query: QueryDefinitionDto): Record<string, unknown> {
  return JSON.parse(JSON.stringify(query)) as Record<string, unknown>;
}

/**
 * What field validation cannot see: every table a column, filter, group or order refers to is one of
 * `tables` (by name or alias), and `*` is only counted. `field` prefixes the error paths.
 */
export function queryReferenceErrors(query: QueryDefinitionDto, field: string): FieldError[] {
  const known = new Set(query.tables.flatMap((table) => (table.alias ? [table.table, table.alias] : [table.table])));
  const errors: FieldError[] = [];
  const check = (path: string, table: string | undefined) => {
    if (table !== undefined && !known.has(table))
      errors.push({ field: `${field}.${path}.table`, messages: [`table ${table} is not one of the query's tables (by name or alias)`] });
  };
  query.columns.forEach((column, index) => {
    check(`columns.${index}`, column.table);
    if (column.column === '*' && column.aggregation !== 'count') {
      errors.push({ field: `${field}.columns.${index}.column`, messages: ['* is only allowed with the count aggregation'] });
    }
  });
  for (const [index, filter] of (query.filters ?? []).entries()) check(`filters.${index}`, filter.table);
  for (const [index, group] of (query.groupBy ?? []).entries()) check(`groupBy.${index}`, group.table);
  for (const [index, order] of (query.orderBy ?? []).entries()) check(`orderBy.${index}`, order.table);
  return errors;
}
