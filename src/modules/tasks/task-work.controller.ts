import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQuery } from '../../platform/pagination/page.js';
import { CreateApprovalDto } from './dto/create-approval.dto.js';
import { CreateArtifactDto } from './dto/create-artifact.dto.js';
import { CreateReviewDto } from './dto/create-review.dto.js';
import { ListReviewsQuery } from './dto/list-reviews.query.js';
import { FinishExecutionDto } from './dto/finish-execution.dto.js';
import { StartExecutionDto } from './dto/start-execution.dto.js';
import { TaskWorkService } from './task-work.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller()
export class TaskWorkController {
  constructor(private readonly work: TaskWorkService) {}

  @Post('tasks/:id/executions')
  startExecution(@Param('id', ParseUUIDPipe) taskId: string, @Body() input: StartExecutionDto) {
    return this.work.startExecution(taskId, input);
  }

  @Get('tasks/:id/executions')
  listExecutions(@Param('id', ParseUUIDPipe) taskId: string, @Query() query: PageQuery) {
    return this.work.executionsOf(taskId, query);
  }

  @Get('executions/:id')
  getExecution(@Param('id', ParseUUIDPipe) executionId: string) {
    return this.work.getExecution(executionId);
  }

  @Patch('executions/:id')
  finishExecution(@Param('id', ParseUUIDPipe) executionId: string, @Body() outcome: FinishExecutionDto) {
    return this.work.finishExecution(executionId, outcome);
  }

  @Post('executions/:id/reviews')
  addReview(@Param('id', ParseUUIDPipe) executionId: string, @Body() input: CreateReviewDto) {
    return this.work.addReview(executionId, input);
  }

  /** A task's self-reviews, newest first; `executionId` narrows them to one of its executions. */
  @Get('tasks/:id/reviews')
  listReviews(@Param('id', ParseUUIDPipe) taskId: string, @Query() query: ListReviewsQuery) {
    return this.work.reviewsOf(taskId, query);
  }

  @Post('tasks/:id/artifacts')
  async addArtifact(@Param('id', ParseUUIDPipe) taskId: string, @Body() input: CreateArtifactDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const artifact = await this.work.addArtifact(taskId, input);
    void reply.header('Location', `/api/artifacts/${artifact.id}`);
    return artifact;
  }

  @Get('artifacts/:id')
  getArtifact(@Param('id', ParseUUIDPipe) artifactId: string) {
    return this.work.getArtifact(artifactId);
  }

  @Post('tasks/:id/approvals')
  approve(@Param('id', ParseUUIDPipe) taskId: string, @Body() input: CreateApprovalDto) {
    return this.work.approve(taskId, input);
  }
}
