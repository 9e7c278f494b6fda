import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { CreateProjectDto } from './dto/create-project.dto.js';
import { ListProjectsQuery, ProjectFiltersQuery } from './dto/list-projects.query.js';
import { ProjectPageSchema, ProjectSchema, RecentTasksSchema } from './dto/project.response.js';
import { RecentTasksQuery } from './dto/recent-tasks.query.js';
import { UpdateProjectDto } from './dto/update-project.dto.js';
import { ProjectsService } from './projects.service.js';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The project (`Location` names it).', schema: ProjectSchema })
  @ApiProblems(409, 422)
  @Idempotent()
  async create(@Body() input: CreateProjectDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const project = await this.projects.create(input);
    void reply.header('Location', `/api/projects/${project.id}`);
    return project;
  }

  /** Newest first, each with its tasks counted by state and its dashboards counted. */
  @Get()
  @ApiOkResponse({ schema: ProjectPageSchema })
  list(@Query() query: ListProjectsQuery) {
    return this.projects.list(query);
  }

  /** Exact, with the list's filters. */
  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: ProjectFiltersQuery) {
    return this.projects.count(filters);
  }

  @Get(':id')
  @ApiOkResponse({ schema: ProjectSchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.projects.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: ProjectSchema })
  @ApiProblems(409)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateProjectDto) {
    return this.projects.update(id, changes);
  }

  /** Only a project without tasks or dashboards (409 with their counts otherwise: archive it instead). */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(409)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.projects.delete(id);
  }

  /** The project's latest tasks, newest first: what agent runners poll. */
  @Get(':id/tasks/recent')
  @ApiOperation({ operationId: 'listRecentProjectTasks' })
  @ApiOkResponse({ schema: RecentTasksSchema })
  recentTasks(@Param('id', ParseUUIDPipe) id: string, @Query() query: RecentTasksQuery) {
    return this.projects.recentTasks(id, query.limit);
  }
}
