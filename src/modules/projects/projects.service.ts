import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Page } from '../../platform/pagination/page.js';
import { DashboardsService } from '../dashboards/dashboards.service.js';
import { TasksService } from '../tasks/tasks.service.js';
import type { CreateProjectDto } from './dto/create-project.dto.js';
import type { ListProjectsQuery, ProjectFiltersQuery } from './dto/list-projects.query.js';
import type { UpdateProjectDto } from './dto/update-project.dto.js';
import { ProjectRepository } from './project.repository.js';
import { type ProjectContent, type ProjectFilters, type ProjectRow, type ProjectView, projectView } from './project.view.js';
import { assertStorableSettings } from './project-limits.js';
import { ProjectProblems } from './project-problems.js';

/**
 * The projects of the current tenant: what tasks (and optionally dashboards) belong to. What a project
 * holds is counted by the tasks and dashboards modules through their exported services, one statement
 * each for a whole page; neither of them knows projects (their foreign keys do).
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly tasks: TasksService,
    private readonly dashboards: DashboardsService,
  ) {}

  async create(input: CreateProjectDto): Promise<ProjectView> {
    assertStorableSettings(input.settings);
    const content: ProjectContent = {
      name: input.name,
      description: input.description ?? null,
      settings: input.settings ?? {},
      archivedAt: null,
    };
    const row = await refusingTakenName(input.name, () => this.projects.add(content));
    return (await this.withCounts([row]))[0];
  }

  async get(id: string): Promise<ProjectView> {
    const row = (await this.projects.view(id)) ?? notFound();
    return (await this.withCounts([row]))[0];
  }

  async list(query: ListProjectsQuery): Promise<Page<ProjectView>> {
    const page = await this.projects.page(filtersOf(query), query);
    return { ...page, items: await this.withCounts(page.items) };
  }

  async count(filters: ProjectFiltersQuery): Promise<{ count: number }> {
    return { count: await this.projects.countMatching(filtersOf(filters)) };
  }

  async update(id: string, changes: UpdateProjectDto): Promise<ProjectView> {
    assertStorableSettings(changes.settings);
    if (changes.archived !== undefined && changes.archivedAt !== undefined) throw ProjectProblems.archiveTwice();
    const given: Partial<ProjectContent> = {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.settings !== undefined && { settings: changes.settings }),
      ...(changes.archived !== undefined && { archivedAt: changes.archived ? 'now' : null }),
      ...(changes.archivedAt !== undefined && { archivedAt: changes.archivedAt }),
    };
    if (Object.keys(given).length === 0) return this.get(id);
    const row = (await refusingTakenName(changes.name ?? '', () => this.projects.change(id, given))) ?? notFound();
    return (await this.withCounts([row]))[0];
  }

  /**
   * Deletes a project that holds nothing: with tasks or dashboards (trashed ones too: they still name
   * it) → 409 with the counts, suggesting archiving. The row is locked first, so what is counted is
   * what the deletion meets.
   */
  async delete(id: string): Promise<void> {
    (await this.projects.lockedForChange(id)) ?? notFound();
    const tasks = (await this.tasks.countsByProject([id])).get(id)!;
    const dashboards = (await this.dashboards.countsByProject([id])).get(id)!;
    if (tasks.total > 0 || dashboards.live > 0 || dashboards.trashed > 0) {
      throw ProjectProblems.inUse({ taskCount: tasks.total, dashboardCount: dashboards.live, trashedDashboardCount: dashboards.trashed });
    }
    try {
      await this.projects.remove(id);
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) throw ProjectProblems.inUse();
      throw error;
    }
  }

  /** A project's latest tasks, newest first; 404 for a project the tenant does not have. */
  async recentTasks(id: string, limit: number) {
    (await this.projects.view(id)) ?? notFound();
    return { items: await this.tasks.recentOfProject(id, limit) };
  }

  /** The rows with what each holds: one statement for the tasks of all of them, one for their dashboards. */
  private async withCounts(rows: ProjectRow[]): Promise<ProjectView[]> {
    const ids = rows.map((row) => row.id);
    const tasks = await this.tasks.countsByProject(ids);
    const dashboards = await this.dashboards.countsByProject(ids);
    return rows.map((row) => projectView(row, tasks.get(row.id)!, dashboards.get(row.id)!.live));
  }
}

function filtersOf({ q, archived }: ProjectFilters): ProjectFilters {
  return { q, archived };
}

async function refusingTakenName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ProjectProblems.nameTaken(name);
    throw error;
  }
}

function notFound(): never {
  throw ProjectProblems.notFound();
}
