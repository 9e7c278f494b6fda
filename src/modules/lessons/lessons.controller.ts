import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Role } from '../../platform/auth/principal.js';
import { RequireRoles } from '../../platform/auth/roles.decorator.js';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { CreateLessonDto } from './dto/create-lesson.dto.js';
import { LessonPageSchema, LessonSchema } from './dto/lesson.response.js';
import { LessonFiltersQuery, ListLessonsQuery } from './dto/list-lessons.query.js';
import { RecordApplicationDto } from './dto/record-application.dto.js';
import { UpdateLessonDto } from './dto/update-lesson.dto.js';
import { LessonsService } from './lessons.service.js';

@ApiTags('lessons')
@ApiBearerAuth()
@Controller('lessons')
export class LessonsController {
  constructor(private readonly lessons: LessonsService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The lesson (`Location` names it).', schema: LessonSchema })
  async create(@Body() input: CreateLessonDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const lesson = await this.lessons.create(input);
    void reply.header('Location', `/api/lessons/${lesson.id}`);
    return lesson;
  }

  /**
   * Expensive as a whole: the metadata cannot depend on `q`, and without it a filter that no index
   * serves (a rare category, a high minConfidence) can scan most of a tenant's lessons for one page.
   */
  @Get()
  @ExpensiveRead()
  @ApiOkResponse({ schema: LessonPageSchema })
  list(@Query() query: ListLessonsQuery) {
    return this.lessons.list(query);
  }

  /**
   * `{ count }` of the lessons the list's filters select (no cursor, limit or sort). Exact, so its
   * cost grows with the matches: an expensive read like the list (DB_EXPENSIVE_STATEMENT_TIMEOUT_MS,
   * then 503).
   */
  @Get('count')
  @ExpensiveRead()
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: LessonFiltersQuery) {
    return this.lessons.count(filters);
  }

  @Get(':id')
  @ApiOkResponse({ schema: LessonSchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.lessons.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: LessonSchema })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateLessonDto) {
    return this.lessons.update(id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.lessons.delete(id);
  }

  @Post(':id/applications')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The lesson with the application counted.', schema: LessonSchema })
  recordApplication(@Param('id', ParseUUIDPipe) id: string, @Body() input: RecordApplicationDto) {
    return this.lessons.recordApplication(id, input.success);
  }

  @Put(':id/validation')
  @RequireRoles(Role.Admin)
  @ApiOkResponse({ description: 'The lesson, marked validated by a human.', schema: LessonSchema })
  @ApiProblems(403)
  validate(@Param('id', ParseUUIDPipe) id: string) {
    return this.lessons.setValidated(id, true);
  }

  @Delete(':id/validation')
  @RequireRoles(Role.Admin)
  @ApiOkResponse({ description: 'The lesson, no longer marked validated.', schema: LessonSchema })
  @ApiProblems(403)
  invalidate(@Param('id', ParseUUIDPipe) id: string) {
    return this.lessons.setValidated(id, false);
  }
}
