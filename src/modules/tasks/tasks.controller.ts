import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { CreateTaskDto } from './dto/create-task.dto.js';
import { LineageQuery } from './dto/lineage.query.js';
import { ListTasksQuery } from './dto/list-tasks.query.js';
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
  @Idempotent()
  async create(@Body() input: CreateTaskDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const task = await this.tasks.create(input);
    void reply.header('Location', `/api/tasks/${task.id}`);
    return task;
  }

  @Get()
  list(@Query() query: ListTasksQuery) {
    return this.tasks.list(query);
  }

  @Get('stats')
  stats(@Query() query: TaskStatsQuery) {
    return this.tasks.stats(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.tasks.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateTaskDto) {
    return this.tasks.update(id, changes);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  transition(@Param('id', ParseUUIDPipe) id: string, @Body() move: TransitionTaskDto) {
    return this.tasks.transition(id, move);
  }

  @Get(':id/lineage')
  @ExpensiveRead()
  lineage(@Param('id', ParseUUIDPipe) id: string, @Query() query: LineageQuery) {
    return this.tasks.lineage(id, query);
  }
}
