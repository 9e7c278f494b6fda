import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { assertJsonWithin, KIB } from '../../platform/http/json-size.js';
import { canonicalJson } from '../../platform/idempotency/canonical-json.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { AssetDependenciesService } from '../assets/asset-dependencies.service.js';
import { AssetsService } from '../assets/assets.service.js';
import type { CreateWorkflowDto } from './dto/create-workflow.dto.js';
import type { ListWorkflowsQuery } from './dto/list-workflows.query.js';
import type { PutWorkflowDto } from './dto/put-workflow.dto.js';
import { WorkflowRepository } from './workflow.repository.js';
import { definitionErrors } from './workflow-definition.js';
import { WorkflowProblems } from './workflow-problems.js';
import type { VersionContent, WorkflowVersionView } from './workflow-views.js';

/** A definition describes steps, it does not carry data (over → 413). */
export const MAX_DEFINITION_BYTES = 256 * KIB;

/**
 * Versioned workflows of the current tenant. A version never changes once written; a changed PUT
 * writes the next one under the workflow's row lock, and re-derives the workflow's data edges
 * (every declared input → every declared output) in the same transaction.
 */
@Injectable()
export class WorkflowsService {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly assets: AssetsService,
    private readonly dependencies: AssetDependenciesService,
  ) {}

  async create(input: CreateWorkflowDto): Promise<WorkflowVersionView> {
    const content = await this.checkedContent(input);
    let id: string;
    try {
      id = await this.workflows.add(input.name, content);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw WorkflowProblems.nameTaken(input.name);
      throw error;
    }
    await this.dependencies.deriveFromWorkflow(id, content.inputs, content.outputs);
    return this.get(input.name);
  }

  /** Writes the next version when the content differs from the latest; otherwise changes nothing. */
  async put(name: string, input: PutWorkflowDto): Promise<{ workflow: WorkflowVersionView; created: boolean }> {
    const content = await this.checkedContent(input);
    const locked = (await this.workflows.lockedByName(name)) ?? (await this.refuseWrite(name));
    const latest = (await this.workflows.view(name, locked.latestVersion)) ?? notFound();
    if (sameContent(latest, content)) return { workflow: latest, created: false };
    await this.workflows.addNextVersion(locked.id, locked.latestVersion + 1, content);
    await this.dependencies.deriveFromWorkflow(locked.id, content.inputs, content.outputs);
    return { workflow: await this.get(name), created: true };
  }

  /** The workflow's latest version, if the tenant has it. */
  find(name: string): Promise<WorkflowVersionView | undefined> {
    return this.workflows.view(name);
  }

  async get(name: string, version?: number): Promise<WorkflowVersionView> {
    return (await this.workflows.view(name, version)) ?? notFound(version === undefined ? 'workflow' : 'workflow version');
  }

  list(query: ListWorkflowsQuery): Promise<Page<WorkflowVersionView>> {
    return this.workflows.latestPage(query.global ?? false, query);
  }

  async versions(name: string, query: PageQuery): Promise<Page<WorkflowVersionView>> {
    const workflow = await this.get(name);
    return this.workflows.versionsPage(workflow.id, query);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.workflows.remove(name))) await this.refuseWrite(name);
  }

  /** Why a write reached no workflow of the tenant: a global template (403) or none it can read (404). */
  private async refuseWrite(name: string): Promise<never> {
    if ((await this.workflows.view(name))?.global) throw WorkflowProblems.globalReadOnly();
    return notFound();
  }

  private async checkedContent(input: PutWorkflowDto): Promise<VersionContent> {
    assertJsonWithin('definition', input.definition, MAX_DEFINITION_BYTES);
    const errors = definitionErrors(input.definition);
    if (errors.length > 0) throw WorkflowProblems.invalid(errors);
    const content: VersionContent = {
      description: input.description ?? null,
      // A plain object, as the client wrote it (without the DTO's class).
      definition: JSON.parse(JSON.stringify(input.definition)) as VersionContent['definition'],
      inputs: [...(input.inputs ?? [])].sort(),
      outputs: [...(input.outputs ?? [])].sort(),
    };
    const missing = await this.assets.missing([...content.inputs, ...content.outputs]);
    for (const field of ['inputs', 'outputs'] as const) {
      const unknown = content[field].filter((id) => missing.includes(id));
      if (unknown.length > 0) throw WorkflowProblems.unknownAssets(field, unknown);
    }
    return content;
  }
}

function sameContent(latest: WorkflowVersionView, content: VersionContent): boolean {
  const { description, definition, inputs, outputs } = latest;
  return canonicalJson({ description, definition, inputs, outputs }) === canonicalJson(content);
}

function notFound(what = 'workflow'): never {
  throw WorkflowProblems.notFound(what);
}
