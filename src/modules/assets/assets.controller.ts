import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { AssetDependenciesService } from './asset-dependencies.service.js';
import { AssetsService } from './assets.service.js';
import {
  AssetDependencyPageSchema,
  AssetDependencySchema,
  AssetLineageSchema,
  AssetPageSchema,
  AssetSchema,
} from './dto/asset.response.js';
import { CreateAssetDto } from './dto/create-asset.dto.js';
import { CreateDependencyDto } from './dto/create-dependency.dto.js';
import { LineageQuery } from './dto/lineage.query.js';
import { AssetFiltersQuery, ListAssetsQuery } from './dto/list-assets.query.js';
import { ListDependenciesQuery } from './dto/list-dependencies.query.js';
import { UpdateAssetDto } from './dto/update-asset.dto.js';
import { lineageAsDot, lineageAsMermaid } from './lineage-text.js';

@ApiTags('assets')
@ApiBearerAuth()
@Controller('assets')
export class AssetsController {
  constructor(
    private readonly assets: AssetsService,
    private readonly dependencies: AssetDependenciesService,
  ) {}

  @Post()
  @Idempotent()
  @ApiCreatedResponse({ description: 'The asset (`Location` names it).', schema: AssetSchema })
  @ApiProblems(409, 422)
  async create(@Body() input: CreateAssetDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const asset = await this.assets.create(input);
    void reply.header('Location', `/api/assets/${asset.id}`);
    return asset;
  }

  @Get()
  @ApiOkResponse({ schema: AssetPageSchema })
  list(@Query() query: ListAssetsQuery) {
    return this.assets.list(query);
  }

  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: AssetFiltersQuery) {
    return this.assets.count(filters);
  }

  @Get(':id')
  @ApiOkResponse({ schema: AssetSchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.assets.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: AssetSchema })
  @ApiProblems(403, 409)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateAssetDto) {
    return this.assets.update(id, changes);
  }

  /** Its dependencies go with it, in the same transaction. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its dependencies.' })
  @ApiProblems(403, 409)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.assets.delete(id);
  }

  @Post(':id/dependencies')
  @Idempotent()
  @ApiCreatedResponse({ description: 'The dependency (`Location` names it).', schema: AssetDependencySchema })
  @ApiProblems(403, 409, 422)
  async declareDependency(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() input: CreateDependencyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dependency = await this.dependencies.declare(id, input);
    void reply.header('Location', `/api/assets/${id}/dependencies/${dependency.id}`);
    return dependency;
  }

  @Get(':id/dependencies')
  @ApiOkResponse({ schema: AssetDependencyPageSchema })
  listDependencies(@Param('id', ParseUUIDPipe) id: string, @Query() query: ListDependenciesQuery) {
    return this.dependencies.list(id, query);
  }

  @Delete(':id/dependencies/:dependencyId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(403, 409)
  async removeDependency(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('dependencyId', ParseUUIDPipe) dependencyId: string,
  ): Promise<void> {
    await this.dependencies.remove(id, dependencyId);
  }

  @Get(':id/lineage')
  @ExpensiveRead()
  @ApiProduces('application/json', 'text/plain')
  @ApiOkResponse({
    description: 'The lineage: JSON, or with `format=mermaid`/`format=dot` the graph as text.',
    content: { 'application/json': { schema: AssetLineageSchema }, 'text/plain': { schema: { type: 'string' } } },
  })
  async lineage(@Param('id', ParseUUIDPipe) id: string, @Query() query: LineageQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const lineage = await this.dependencies.lineage(id, query);
    if (query.format === 'json') return lineage;
    void reply.type('text/plain; charset=utf-8');
    return query.format === 'mermaid' ? lineageAsMermaid(lineage) : lineageAsDot(lineage);
  }
}
