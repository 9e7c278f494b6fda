import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../platform/http/openapi.js';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { PageQuery } from '../../platform/pagination/page.js';
import { CreateWorkflowDto } from './dto/create-workflow.dto.js';
import { ListExecutionsQuery } from './dto/list-executions.query.js';
import { ListWorkflowsQuery } from './dto/list-workflows.query.js';
import { PutWorkflowDto } from './dto/put-workflow.dto.js';
import { StartExecutionDto } from './dto/start-execution.dto.js';
import {
  WorkflowExecutionPageSchema,
  WorkflowExecutionSchema,
  WorkflowVersionPageSchema,
  WorkflowVersionSchema,
} from './dto/workflow.response.js';
import { WorkflowExecutionsService } from './workflow-executions.service.js';
import { ParseWorkflowNamePipe } from './workflow-name.js';
import { WorkflowsService } from './workflows.service.js';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('workflows')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly executions: WorkflowExecutionsService,
  ) {}

  /** Version 1 of a new workflow. */
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ description: 'Version 1 (`Location` names the workflow).', schema: WorkflowVersionSchema })
  @ApiProblems(409, 422)
  async create(@Body() input: CreateWorkflowDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const workflow = await this.workflows.create(input);
    void reply.header('Location', `/api/workflows/${workflow.name}`);
    return workflow;
  }

  /** 201 with the next version when the content changed, 200 with the latest when it did not. */
  @Put(':name')
  @ApiCreatedResponse({ description: 'The content changed: the next version (`Location` names it).', schema: WorkflowVersionSchema })
  @ApiOkResponse({ description: 'The content did not change: the latest version.', schema: WorkflowVersionSchema })
  @ApiProblems(403, 409)
  async put(
    @Param('name', ParseWorkflowNamePipe) name: string,
    @Body() input: PutWorkflowDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { workflow, created } = await this.workflows.put(name, input);
    void reply.status(created ? 201 : 200).header('Location', `/api/workflows/${name}/versions/${workflow.version}`);
    return workflow;
  }

  /** The latest version of each of the tenant's workflows (`?global=true`: the catalogue's templates), newest first. */
  @Get()
  @ApiOkResponse({ schema: WorkflowVersionPageSchema })
  list(@Query() query: ListWorkflowsQuery) {
    return this.workflows.list(query);
  }

  @Get(':name')
  @ApiOkResponse({ description: 'The latest version.', schema: WorkflowVersionSchema })
  get(@Param('name', ParseWorkflowNamePipe) name: string) {
    return this.workflows.get(name);
  }

  @Get(':name/versions')
  @ApiOkResponse({ schema: WorkflowVersionPageSchema })
  versions(@Param('name', ParseWorkflowNamePipe) name: string, @Query() query: PageQuery) {
    return this.workflows.versions(name, query);
  }

  @Get(':name/versions/:version')
  @ApiOkResponse({ schema: WorkflowVersionSchema })
  version(@Param('name', ParseWorkflowNamePipe) name: string, @Param('version', ParseIntPipe) version: number) {
    return this.workflows.get(name, version);
  }

  /** With all its versions, executions and derived dependencies. */
  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its versions and executions.' })
  @ApiProblems(403, 409)
  async delete(@Param('name', ParseWorkflowNamePipe) name: string): Promise<void> {
    await this.workflows.delete(name);
  }

  @Post(':name/executions')
  @Idempotent()
  @ApiCreatedResponse({ description: 'The execution (`Location` names it).', schema: WorkflowExecutionSchema })
  @ApiProblems(409, 422)
  async start(
    @Param('name', ParseWorkflowNamePipe) name: string,
    @Body() input: StartExecutionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const execution = await this.executions.start(name, input);
    void reply.header('Location', `/api/workflow-executions/${execution.id}`);
    return execution;
  }

  @Get(':name/executions')
  @ApiOkResponse({ schema: WorkflowExecutionPageSchema })
  listExecutions(@Param('name', ParseWorkflowNamePipe) name: string, @Query() query: ListExecutionsQuery) {
    return this.executions.list(name, query);
  }
}
