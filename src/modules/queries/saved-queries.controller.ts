import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { OwnedListQuery } from '../../platform/pagination/owned-list.query.js';
import { CreateSavedQueryDto } from './dto/create-saved-query.dto.js';
import { SavedQueryPageSchema, SavedQuerySchema } from './dto/query.response.js';
import { SavedQueryFiltersQuery } from './dto/saved-query-filters.query.js';
import { UpdateSavedQueryDto } from './dto/update-saved-query.dto.js';
import { SavedQueriesService } from './saved-queries.service.js';

@ApiTags('saved-queries')
@ApiBearerAuth()
@Controller('saved-queries')
export class SavedQueriesController {
  constructor(private readonly savedQueries: SavedQueriesService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The saved query (`Location` names it).', schema: SavedQuerySchema })
  @ApiProblems([409, 'Another saved query of this tenant has the name.'], 422)
  @Idempotent()
  async create(@Body() input: CreateSavedQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const savedQuery = await this.savedQueries.create(input);
    void reply.header('Location', `/api/saved-queries/${savedQuery.id}`);
    return savedQuery;
  }

  @Get()
  @ApiOkResponse({ schema: SavedQueryPageSchema })
  list(@Query() query: OwnedListQuery) {
    return this.savedQueries.list(query);
  }

  /** `{ count }` of the saved queries the list's filters select (no cursor or limit); exact. */
  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: SavedQueryFiltersQuery) {
    return this.savedQueries.count(filters);
  }

  @Get(':id')
  @ApiOkResponse({ schema: SavedQuerySchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.savedQueries.get(id);
  }

  /** The owner or an admin; others get 403. */
  @Patch(':id')
  @ApiOkResponse({ schema: SavedQuerySchema })
  @ApiProblems([403, 'Only the owner or an admin may change it.'], [409, 'Another saved query of this tenant has the name.'])
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateSavedQueryDto) {
    return this.savedQueries.update(id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems([403, 'Only the owner or an admin may delete it.'], [409, 'Widgets still use it.'])
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.savedQueries.delete(id);
  }
}
