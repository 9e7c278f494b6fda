import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Role } from '../../platform/auth/principal.js';
import { RequireRoles } from '../../platform/auth/roles.decorator.js';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { PatternPageSchema, PatternSchema } from './dto/lesson.response.js';
import { ListPatternsQuery, PatternFiltersQuery } from './dto/list-patterns.query.js';
import { RecordPatternDto } from './dto/record-pattern.dto.js';
import { PatternsService } from './patterns.service.js';

@ApiTags('patterns')
@ApiBearerAuth()
@Controller('patterns')
export class PatternsController {
  constructor(private readonly patterns: PatternsService) {}

  /** 201 for a pattern seen the first time, 200 when a known one was counted again. */
  @Post()
  @ApiCreatedResponse({ description: 'A pattern seen the first time (`Location` names it).', schema: PatternSchema })
  @ApiOkResponse({ description: 'A known pattern, counted again (`Location` names it).', schema: PatternSchema })
  async record(@Body() input: RecordPatternDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { pattern, created } = await this.patterns.record(input);
    void reply.status(created ? 201 : 200).header('Location', `/api/patterns/${pattern.id}`);
    return pattern;
  }

  @Get()
  @ApiOkResponse({ schema: PatternPageSchema })
  list(@Query() query: ListPatternsQuery) {
    return this.patterns.list(query);
  }

  /** `{ count }` of the patterns the list's filters select (no cursor, limit or sort); exact. */
  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: PatternFiltersQuery) {
    return this.patterns.count(filters);
  }

  @Get(':id')
  @ApiOkResponse({ schema: PatternSchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.patterns.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRoles(Role.Admin)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(403)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.patterns.delete(id);
  }
}
