import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { CreateTaskDto } from './dto/create-task.dto.js';
import { LineageQuery } from './dto/lineage.query.js';
import { ListTasksQuery, TaskFiltersQuery } from './dto/list-tasks.query.js';
import { LineageSchema, TaskDetailSchema, TaskPageSchema, TaskSchema, TaskStatsSchema } from './dto/task.response.js';
import { TaskStatsQuery } from './dto/task-stats.query.js';
import { TransitionTaskDto } from './dto/transition-task.dto.js';
import { UpdateTaskDto } from './dto/update-task.dto.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The task (`Location` names it).', schema: TaskSchema })
  @ApiProblems(409, 422)
  @Idempotent()
  async create(@Body() input: CreateTaskDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const task = await this.tasks.create(input);
    void reply.header('Location', `/api/tasks/${task.id}`);
    return task;
  }

  @Get()
  @ApiOkResponse({ schema: TaskPageSchema })
  list(@Query() query: ListTasksQuery) {
    return this.tasks.list(query);
  }

  /** Exact, with the list's filters. */
  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: TaskFiltersQuery) {
    return this.tasks.count(filters);
  }

  @Get('stats')
  @ApiOperation({ operationId: 'getTaskStats' })
  @ApiOkResponse({ schema: TaskStatsSchema })
  stats(@Query() query: TaskStatsQuery) {
    return this.tasks.stats(query);
  }

  @Get(':id')
  @ApiOkResponse({ schema: TaskDetailSchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.tasks.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: TaskSchema })
  @ApiProblems(409)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateTaskDto) {
    return this.tasks.update(id, changes);
  }

  /**
   * A completed, failed or cancelled task, with its executions, reviews, artifacts and approvals
   * (409 while others depend on it). An admin may delete a task in any state: it is cancelled first.
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(403, 409)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.tasks.delete(id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOkResponse({ schema: TaskSchema })
  @ApiProblems(409)
  transition(@Param('id', ParseUUIDPipe) id: string, @Body() move: TransitionTaskDto) {
    return this.tasks.transition(id, move);
  }

  @Get(':id/lineage')
  @ExpensiveRead()
  @ApiOperation({ operationId: 'getTaskLineage' })
  @ApiOkResponse({ schema: LineageSchema })
  lineage(@Param('id', ParseUUIDPipe) id: string, @Query() query: LineageQuery) {
    return this.tasks.lineage(id, query);
  }
}
