import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { CountExecutionsQuery } from './dto/list-executions.query.js';
import { TransitionExecutionDto } from './dto/transition-execution.dto.js';
import { WorkflowExecutionSchema } from './dto/workflow.response.js';
import { WorkflowExecutionsService } from './workflow-executions.service.js';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('workflow-executions')
export class WorkflowExecutionsController {
  constructor(private readonly executions: WorkflowExecutionsService) {}

  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() query: CountExecutionsQuery) {
    return this.executions.count(query);
  }

  @Get(':id')
  @ApiOkResponse({ schema: WorkflowExecutionSchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.executions.get(id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The execution in its new state.', schema: WorkflowExecutionSchema })
  @ApiProblems(409)
  transition(@Param('id', ParseUUIDPipe) id: string, @Body() move: TransitionExecutionDto) {
    return this.executions.transition(id, move);
  }
}
