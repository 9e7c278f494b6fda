import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { parseEnvironment } from '../src/config/environment.js';
import { DEPENDENCY_TYPES, type DependencyType } from '../src/modules/assets/asset-type.js';
import { CreateAssetDto } from '../src/modules/assets/dto/create-asset.dto.js';
import { WorkflowDefinitionDto } from '../src/modules/workflows/dto/workflow-definition.dto.js';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { GLOBAL_TENANT_ID } from '../src/platform/tenancy/global-catalogue.js';

/**
 * npm run catalog -- import <file.json> | export [file.json]
 *   | remove --asset <name> | --workflow <name> [--with-executions] | --upstream <name> --downstream <name> [--type <type>]
 *
 * Manages the global catalogue (ADR 0006): assets, the typed edges between them, and workflow
 * templates every tenant reads (and runs) and none writes. Runs as the schema owner (DATABASE_OWNER_URL, or the embedded database when DATABASE_URL is
 * unset), in one transaction whose tenant is the global catalogue's and whose actor is
 * `service:catalog`: the audit trail records each change like any other.
 */

export interface CatalogAsset {
  name: string;
  assetType: string;
  description?: string | null;
  owner?: string | null;
  tags?: string[];
  metadata?: unknown;
}

export interface CatalogWorkflow {
  name: string;
  description?: string | null;
  definition: WorkflowDefinitionDto;
}

/** An edge between two global assets, by name: `downstream` depends on `upstream`. */
export interface CatalogDependency {
  upstream: string;
  downstream: string;
  type: DependencyType;
}

export interface Catalog {
  assets: CatalogAsset[];
  /** Optional in a file; an import adds the edges it lists (`remove --upstream … --downstream …` takes one away). */
  dependencies?: CatalogDependency[];
  workflows: CatalogWorkflow[];
}

/** Refused by the tool, with a message saying what to do instead. */
export class CatalogRefusal extends Error {}

const ACTOR = 'service:catalog';

/** Runs work in one transaction as the global catalogue's tenant, audited as `service:catalog`. */
export async function inCatalogTransaction<T>(ownerUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'tessera-catalog' });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(
      "select set_config('app.tenant_id', $1, true), set_config('app.actor_id', $2, true), set_config('app.actor_roles', $3, true), set_config('app.request_id', $4, true)",
      [GLOBAL_TENANT_ID, ACTOR, JSON.stringify(['service']), `catalog-${randomUUID()}`],
    );
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Checks a catalogue file like the API checks the same fields; throws naming every bad field. */
export async function parseCatalog(text: string): Promise<Catalog> {
  const parsed = JSON.parse(text) as Partial<Catalog>;
  const catalog: Catalog = { assets: parsed.assets ?? [], dependencies: parsed.dependencies ?? [], workflows: parsed.workflows ?? [] };
  const problems: string[] = [];
  if (!Array.isArray(catalog.dependencies)) problems.push('dependencies: must be an array');
  for (const [index, dependency] of (Array.isArray(catalog.dependencies) ? catalog.dependencies : []).entries()) {
    const at = `dependencies[${index}]`;
    if (typeof dependency !== 'object' || dependency === null) {
      problems.push(`${at}: must be an object {upstream, downstream, type}`);
      continue;
    }
    const unknownFields = Object.keys(dependency).filter((key) => !['upstream', 'downstream', 'type'].includes(key));
    if (unknownFields.length > 0) problems.push(`${at}: unknown fields ${unknownFields.join(', ')}`);
    for (const end of ['upstream', 'downstream'] as const) {
      if (typeof dependency[end] !== 'string' || dependency[end].trim() === '') problems.push(`${at}.${end}: must name a global asset`);
    }
    if (!DEPENDENCY_TYPES.includes(dependency.type)) problems.push(`${at}.type: must be one of ${DEPENDENCY_TYPES.join(', ')}`);
    if (typeof dependency.upstream === 'string' && dependency.upstream === dependency.downstream)
      problems.push(`${at}: an asset cannot depend on itself`);
  }
  for (const [index, asset] of catalog.assets.entries()) {
    for (const error of await validate(plainToInstance(CreateAssetDto, asset), { whitelist: true, forbidNonWhitelisted: true })) {
      problems.push(`assets[${index}].${error.property}: ${Object.values(error.constraints ?? { invalid: 'invalid' }).join('; ')}`);
    }
  }
  for (const [index, workflow] of catalog.workflows.entries()) {
    if (typeof workflow.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(workflow.name))
      problems.push(`workflows[${index}].name: invalid`);
    for (const error of await validate(plainToInstance(WorkflowDefinitionDto, workflow.definition ?? {}), {
      whitelist: true,
      forbidNonWhitelisted: true,
    })) {
      problems.push(
        `workflows[${index}].definition.${error.property}: ${Object.values(error.constraints ?? { invalid: 'invalid' }).join('; ')}`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`The catalogue is invalid:\n  ${problems.join('\n  ')}`);
  return catalog;
}

/**
 * Adds or updates each entry by name; a workflow whose definition or description changed gets its
 * next version; each listed edge is added unless the catalogue has it (both ends must be global
 * assets: of the file, or already in the catalogue).
 */
export async function importCatalog(
  client: pg.ClientBase,
  catalog: Catalog,
): Promise<{ assets: number; dependencies: number; workflowVersions: number }> {
  for (const asset of catalog.assets) {
    await client.query(
      `insert into assets (id, tenant_id, name, description, asset_type, owner, tags, metadata, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now(), now())
       on conflict (tenant_id, name) do update set description = excluded.description, asset_type = excluded.asset_type,
         owner = excluded.owner, tags = excluded.tags, metadata = excluded.metadata, updated_at = excluded.updated_at
       where (assets.description, assets.asset_type, assets.owner, assets.tags, assets.metadata)
         is distinct from (excluded.description, excluded.asset_type, excluded.owner, excluded.tags, excluded.metadata)`,
      [
        uuidv7(),
        GLOBAL_TENANT_ID,
        asset.name,
        asset.description ?? null,
        asset.assetType,
        asset.owner ?? null,
        asset.tags ?? [],
        asset.metadata === undefined ? null : JSON.stringify(asset.metadata),
      ],
    );
  }
  const dependencies = await importDependencies(client, catalog.dependencies ?? []);
  let workflowVersions = 0;
  for (const workflow of catalog.workflows) {
    const definition = JSON.stringify(workflow.definition);
    const { rows } = await client.query<{ id: string; version: number; same: boolean }>(
      `select w.id, w.latest_version as version, (v.definition = $3::jsonb and v.description is not distinct from $4) as same
       from workflows w join workflow_versions v on v.tenant_id = w.tenant_id and v.workflow_id = w.id and v.version = w.latest_version
       where w.tenant_id = $1 and w.name = $2 for update of w`,
      [GLOBAL_TENANT_ID, workflow.name, definition, workflow.description ?? null],
    );
    const [latest] = rows;
    if (latest?.same) continue;
    const workflowId = latest?.id ?? uuidv7();
    const version = (latest?.version ?? 0) + 1;
    if (latest) {
      await client.query('update workflows set latest_version = $3, updated_at = now() where tenant_id = $1 and id = $2', [
        GLOBAL_TENANT_ID,
        workflowId,
        version,
      ]);
    } else {
      await client.query(
        'insert into workflows (id, tenant_id, name, latest_version, created_at, updated_at) values ($1, $2, $3, 1, now(), now())',
        [workflowId, GLOBAL_TENANT_ID, workflow.name],
      );
    }
    await client.query(
      `insert into workflow_versions (id, tenant_id, workflow_id, version, description, definition, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, now())`,
      [uuidv7(), GLOBAL_TENANT_ID, workflowId, version, workflow.description ?? null, definition, ACTOR],
    );
    workflowVersions += 1;
  }
  return { assets: catalog.assets.length, dependencies, workflowVersions };
}

/** Adds the global edges the catalogue lacks; returns how many were new. Throws naming an end that is no global asset. */
async function importDependencies(client: pg.ClientBase, dependencies: readonly CatalogDependency[]): Promise<number> {
  if (dependencies.length === 0) return 0;
  const names = [...new Set(dependencies.flatMap((dependency) => [dependency.upstream, dependency.downstream]))];
  const { rows } = await client.query<{ name: string; id: string }>(
    'select name, id from assets where tenant_id = $1 and name = any($2::text[])',
    [GLOBAL_TENANT_ID, names],
  );
  const ids = new Map(rows.map((row) => [row.name, row.id]));
  const unknown = dependencies.flatMap((dependency, index) =>
    (['upstream', 'downstream'] as const)
      .filter((end) => !ids.has(dependency[end]))
      .map((end) => `dependencies[${index}].${end}: no global asset named "${dependency[end]}"`),
  );
  if (unknown.length > 0) throw new CatalogRefusal(`The catalogue is invalid:\n  ${unknown.join('\n  ')}`);
  let added = 0;
  for (const dependency of dependencies) {
    // Global edges are the global tenant's own, between global assets (both foreign keys say so).
    const { rowCount } = await client.query(
      `insert into asset_dependencies (id, tenant_id, upstream_id, upstream_tenant_id, downstream_id, type, workflow_id, created_at)
       values ($1, $2, $3, $2, $4, $5, null, now())
       on conflict do nothing`,
      [uuidv7(), GLOBAL_TENANT_ID, ids.get(dependency.upstream), ids.get(dependency.downstream), dependency.type],
    );
    added += rowCount ?? 0;
  }
  return added;
}

/** The global entries, in the import format (latest workflow versions). */
export async function exportCatalog(client: pg.ClientBase): Promise<Catalog> {
  const assets = await client.query<CatalogAsset>(
    `select name, asset_type as "assetType", description, owner, tags, metadata from assets where tenant_id = $1 order by name`,
    [GLOBAL_TENANT_ID],
  );
  const dependencies = await client.query<CatalogDependency>(
    `select up.name as upstream, down.name as downstream, d.type from asset_dependencies d
     join assets up on up.tenant_id = d.upstream_tenant_id and up.id = d.upstream_id
     join assets down on down.tenant_id = d.tenant_id and down.id = d.downstream_id
     where d.tenant_id = $1 order by 1, 2, 3`,
    [GLOBAL_TENANT_ID],
  );
  const workflows = await client.query<CatalogWorkflow>(
    `select w.name, v.description, v.definition from workflows w
     join workflow_versions v on v.tenant_id = w.tenant_id and v.workflow_id = w.id and v.version = w.latest_version
     where w.tenant_id = $1 order by w.name`,
    [GLOBAL_TENANT_ID],
  );
  return { assets: assets.rows, dependencies: dependencies.rows, workflows: workflows.rows };
}

/**
 * Removes a global entry. The tenants' edges onto a global asset go first, each deleted in its own
 * tenant's name (so the audit trail records it there), then the asset itself with the global edges
 * it is an end of. A workflow template that tenants have run is refused (their executions are their
 * history) unless `withExecutions`: then those executions go first, each in its own tenant's name.
 */
export async function removeEntry(
  client: pg.ClientBase,
  kind: 'asset' | 'workflow',
  name: string,
  options: { withExecutions?: boolean } = {},
): Promise<boolean> {
  if (kind === 'workflow') await removeExecutionsOf(client, name, options.withExecutions ?? false);
  if (kind === 'asset') {
    const { rows } = await client.query<{ tenant_id: string; upstream_id: string }>(
      `select distinct d.tenant_id, d.upstream_id from asset_dependencies d
       where d.upstream_tenant_id = $1 and d.upstream_id = (select a.id from assets a where a.tenant_id = $1 and a.name = $2)`,
      [GLOBAL_TENANT_ID, name],
    );
    for (const { tenant_id: tenantId, upstream_id: assetId } of rows) {
      await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
      await client.query('delete from asset_dependencies where tenant_id = $1 and upstream_id = $2', [tenantId, assetId]);
    }
    await client.query("select set_config('app.tenant_id', $1, true)", [GLOBAL_TENANT_ID]);
  }
  const table = kind === 'asset' ? 'assets' : 'workflows';
  const { rowCount } = await client.query(`delete from ${table} where tenant_id = $1 and name = $2`, [GLOBAL_TENANT_ID, name]);
  return (rowCount ?? 0) > 0;
}

/** The tenants' executions of a global workflow: refused, or deleted in each tenant's name. */
async function removeExecutionsOf(client: pg.ClientBase, workflowName: string, withExecutions: boolean): Promise<void> {
  // The schema owner reads them through catalog_executions_of_global (a SELECT policy for it alone).
  const { rows } = await client.query<{ tenant_id: string; workflow_id: string; executions: number }>(
    `select e.tenant_id, e.workflow_id, count(*)::int as executions from workflow_executions e
     where e.workflow_tenant_id = $1 and e.workflow_id = (select w.id from workflows w where w.tenant_id = $1 and w.name = $2)
     group by e.tenant_id, e.workflow_id order by e.tenant_id`,
    [GLOBAL_TENANT_ID, workflowName],
  );
  if (rows.length === 0) return;
  if (!withExecutions) {
    const executions = rows.reduce((sum, row) => sum + row.executions, 0);
    throw new CatalogRefusal(
      `Tenants ran the global workflow ${workflowName}: ${executions} executions in ${rows.length} tenants. ` +
        "Removing it deletes them from those tenants' history; add --with-executions to do so.",
    );
  }
  for (const { tenant_id: tenantId, workflow_id: workflowId } of rows) {
    await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
    await client.query('delete from workflow_executions where tenant_id = $1 and workflow_tenant_id = $2 and workflow_id = $3', [
      tenantId,
      GLOBAL_TENANT_ID,
      workflowId,
    ]);
  }
  await client.query("select set_config('app.tenant_id', $1, true)", [GLOBAL_TENANT_ID]);
}

/** Removes global edges between two global assets: of `type`, or of every type. */
export async function removeDependency(
  client: pg.ClientBase,
  upstream: string,
  downstream: string,
  type?: DependencyType,
): Promise<number> {
  const { rowCount } = await client.query(
    `delete from asset_dependencies d using assets up, assets down
     where d.tenant_id = $1 and up.tenant_id = $1 and up.name = $2 and down.tenant_id = $1 and down.name = $3
       and d.upstream_tenant_id = $1 and d.upstream_id = up.id and d.downstream_id = down.id and ($4::text is null or d.type = $4)`,
    [GLOBAL_TENANT_ID, upstream, downstream, type ?? null],
  );
  return rowCount ?? 0;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      asset: { type: 'string' },
      workflow: { type: 'string' },
      'with-executions': { type: 'boolean' },
      upstream: { type: 'string' },
      downstream: { type: 'string' },
      type: { type: 'string' },
    },
  });
  const [command, file] = positionals;
  const environment = parseEnvironment(process.env);
  const embedded = environment.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dir: environment.EMBEDDED_PG_DIR, port: environment.EMBEDDED_PG_PORT, database: 'tessera' });
  const ownerUrl = environment.DATABASE_OWNER_URL ?? embedded?.ownerUrl;
  if (!ownerUrl) throw new Error('Set DATABASE_OWNER_URL (the schema owner) to manage the catalogue of an external database');
  try {
    switch (command) {
      case 'import': {
        if (!file) throw new Error('Usage: npm run catalog -- import <file.json>');
        const catalog = await parseCatalog(await readFile(file, 'utf8'));
        const result = await inCatalogTransaction(ownerUrl, (client) => importCatalog(client, catalog));
        console.log(
          `Imported ${result.assets} assets, ${result.dependencies} new dependencies and ${result.workflowVersions} new workflow versions`,
        );
        break;
      }
      case 'export': {
        const text = `${JSON.stringify(await inCatalogTransaction(ownerUrl, exportCatalog), null, 2)}\n`;
        if (file) await writeFile(file, text);
        else process.stdout.write(text);
        break;
      }
      case 'remove': {
        if (values.upstream !== undefined || values.downstream !== undefined) {
          const { upstream, downstream, type } = values;
          if (!upstream || !downstream)
            throw new Error('Usage: npm run catalog -- remove --upstream <name> --downstream <name> [--type data|metadata|control]');
          if (type !== undefined && !DEPENDENCY_TYPES.includes(type as DependencyType))
            throw new Error(`--type must be one of ${DEPENDENCY_TYPES.join(', ')}`);
          const removed = await inCatalogTransaction(ownerUrl, (client) =>
            removeDependency(client, upstream, downstream, type as DependencyType | undefined),
          );
          console.log(`Removed ${removed} global dependencies of ${downstream} on ${upstream}`);
          break;
        }
        const [kind, name] = values.asset
          ? (['asset', values.asset] as const)
          : values.workflow
            ? (['workflow', values.workflow] as const)
            : [];
        if (!kind || !name)
          throw new Error(
            'Usage: npm run catalog -- remove --asset <name> | --workflow <name> [--with-executions] | --upstream <name> --downstream <name> [--type <type>]',
          );
        const removed = await inCatalogTransaction(ownerUrl, (client) =>
          removeEntry(client, kind, name, { withExecutions: values['with-executions'] }),
        );
        console.log(removed ? `Removed the global ${kind} ${name}` : `No global ${kind} named ${name}`);
        break;
      }
      default:
        throw new Error(`Unknown command "${command}": use import, export or remove`);
    }
  } finally {
    await embedded?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
