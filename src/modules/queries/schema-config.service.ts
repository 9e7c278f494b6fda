import { Injectable } from '@nestjs/common';
import type { FieldError } from '../../platform/errors/problem.js';
import { assertJsonWithin, KIB } from '../../platform/http/json-size.js';
import { assertPrecondition, type Precondition } from '../../platform/http/preconditions.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { PutSchemaConfigDto, SchemaTableDto } from './dto/put-schema-config.dto.js';
import type { QueryDefinitionDto } from './dto/query-definition.dto.js';
import type { SchemaConfig } from './schema-config.entity.js';
import { SchemaConfigRepository, type StoredSchemaConfig } from './schema-config.repository.js';

export const MAX_SCHEMA_CONFIG_BYTES = 256 * KIB;

export interface SchemaConfigView {
  tables: SchemaTableDto[];
  version: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The tenant's schema configuration: read by everyone, replaced by admins (the controller checks the role). */
@Injectable()
export class SchemaConfigService {
  constructor(private readonly configs: SchemaConfigRepository) {}

  /** Before the first PUT: no tables (anything may be queried), version 0. */
  async get(): Promise<SchemaConfigView> {
    const config = await this.configs.current();
    return config ? view(config) : { tables: [], version: 0, updatedBy: null, updatedAt: null };
  }

  async put(input: PutSchemaConfigDto, precondition: Precondition | undefined): Promise<SchemaConfigView> {
    const tables = JSON.parse(JSON.stringify(input.tables)) as SchemaTableDto[];
    assertJsonWithin('tables', tables, MAX_SCHEMA_CONFIG_BYTES);
    const { actorId } = TenantContext.current();
    let config = await this.configs.lockedForChange();
    if (!config) {
      assertPrecondition(precondition, 0, 'schema configuration');
      // Another admin may save the first configuration at the same moment: then this one updates it.
      const first = await this.configs.addFirst(tables);
      if (first) {
        return view(first);
      }
      config = (await this.configs.lockedForChange())!;
    }
    assertPrecondition(precondition, config.version, 'schema configuration');
    Object.assign(config, { tables, version: config.version + 1, updatedBy: actorId, updatedAt: new Date() });
    await this.configs.flush();
    return view(config);
  }

  /**
   * When the tenant lists tables, a query may only name those tables and their columns; with no
   * configuration (or an empty one) anything is accepted.
   */
  async unknownReferences(query: QueryDefinitionDto, field: string): Promise<FieldError[]> {
    const { tables } = await this.get();
    if (tables.length === 0) return [];
    const allowed = new Map(
      tables.map((table) => [`${table.schema ?? ''}.${table.name}`, new Set(table.columns.map((column) => column.name))]),
    );
    const errors: FieldError[] = [];
    const columnsOf = new Map<string, Set<string> | undefined>();
    query.tables.forEach((table, index) => {
      const columns = allowed.get(`${table.schema ?? ''}.${table.table}`);
      if (!columns)
        errors.push({
          field: `${field}.tables.${index}.table`,
          messages: [`table ${table.table} is not in the tenant's schema configuration`],
        });
      columnsOf.set(table.table, columns);
      if (table.alias) columnsOf.set(table.alias, columns);
    });
    const check = (path: string, table: string | undefined, column: string) => {
      const columns = table === undefined ? undefined : columnsOf.get(table);
      if (columns && column !== '*' && !columns.has(column)) {
        errors.push({
          field: `${field}.${path}.column`,
          messages: [`column ${column} of ${table} is not in the tenant's schema configuration`],
        });
      }
    };
    for (const [index, column] of query.columns.entries()) check(`columns.${index}`, column.table, column.column);
    for (const [index, filter] of (query.filters ?? []).entries()) check(`filters.${index}`, filter.table, filter.column);
    for (const [index, group] of (query.groupBy ?? []).entries()) check(`groupBy.${index}`, group.table, group.column);
    for (const [index, order] of (query.orderBy ?? []).entries()) check(`orderBy.${index}`, order.table, order.column);
    return errors;
  }
}

function view(config: SchemaConfig | StoredSchemaConfig): SchemaConfigView {
  return { tables: config.tables as SchemaTableDto[], version: config.version, updatedBy: config.updatedBy, updatedAt: config.updatedAt };
}
