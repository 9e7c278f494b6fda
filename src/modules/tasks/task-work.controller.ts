import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../platform/http/openapi.js';
import { PageQuery } from '../../platform/pagination/page.js';
import { CreateApprovalDto } from './dto/create-approval.dto.js';
import { CreateArtifactDto } from './dto/create-artifact.dto.js';
import { CreateReviewDto } from './dto/create-review.dto.js';
import { FinishExecutionDto } from './dto/finish-execution.dto.js';
import { ListReviewsQuery } from './dto/list-reviews.query.js';
import { StartExecutionDto } from './dto/start-execution.dto.js';
import {
  ApprovalOutcomeSchema,
  ArtifactSchema,
  ExecutionSchema,
  ExecutionSummaryPageSchema,
  ReviewPageSchema,
  ReviewSchema,
} from './dto/task.response.js';
import { TaskWorkService } from './task-work.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller()
export class TaskWorkController {
  constructor(private readonly work: TaskWorkService) {}

  @Post('tasks/:id/executions')
  @ApiCreatedResponse({ schema: ExecutionSchema })
  @ApiProblems(409)
  startExecution(@Param('id', ParseUUIDPipe) taskId: string, @Body() input: StartExecutionDto) {
    return this.work.startExecution(taskId, input);
  }

  @Get('tasks/:id/executions')
  @ApiOperation({ operationId: 'listTaskExecutions' })
  @ApiOkResponse({ schema: ExecutionSummaryPageSchema })
  listExecutions(@Param('id', ParseUUIDPipe) taskId: string, @Query() query: PageQuery) {
    return this.work.executionsOf(taskId, query);
  }

  @Get('executions/:id')
  @ApiOkResponse({ schema: ExecutionSchema })
  getExecution(@Param('id', ParseUUIDPipe) executionId: string) {
    return this.work.getExecution(executionId);
  }

  @Patch('executions/:id')
  @ApiOkResponse({ schema: ExecutionSchema })
  @ApiProblems(409)
  finishExecution(@Param('id', ParseUUIDPipe) executionId: string, @Body() outcome: FinishExecutionDto) {
    return this.work.finishExecution(executionId, outcome);
  }

  @Post('executions/:id/reviews')
  @ApiCreatedResponse({ schema: ReviewSchema })
  @ApiProblems(409)
  addReview(@Param('id', ParseUUIDPipe) executionId: string, @Body() input: CreateReviewDto) {
    return this.work.addReview(executionId, input);
  }

  /** A task's self-reviews, newest first; `executionId` narrows them to one of its executions. */
  @Get('tasks/:id/reviews')
  @ApiOperation({ operationId: 'listTaskReviews' })
  @ApiOkResponse({ schema: ReviewPageSchema })
  listReviews(@Param('id', ParseUUIDPipe) taskId: string, @Query() query: ListReviewsQuery) {
    return this.work.reviewsOf(taskId, query);
  }

  @Post('tasks/:id/artifacts')
  @ApiCreatedResponse({ description: 'The artifact (`Location` names it).', schema: ArtifactSchema })
  @ApiProblems(409)
  async addArtifact(
    @Param('id', ParseUUIDPipe) taskId: string,
    @Body() input: CreateArtifactDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const artifact = await this.work.addArtifact(taskId, input);
    void reply.header('Location', `/api/artifacts/${artifact.id}`);
    return artifact;
  }

  @Get('artifacts/:id')
  @ApiOkResponse({ schema: ArtifactSchema })
  getArtifact(@Param('id', ParseUUIDPipe) artifactId: string) {
    return this.work.getArtifact(artifactId);
  }

  @Post('tasks/:id/approvals')
  @ApiOperation({ operationId: 'approveTask' })
  @ApiCreatedResponse({ schema: ApprovalOutcomeSchema })
  @ApiProblems(403, 409)
  approve(@Param('id', ParseUUIDPipe) taskId: string, @Body() input: CreateApprovalDto) {
    return this.work.approve(taskId, input);
  }
}
