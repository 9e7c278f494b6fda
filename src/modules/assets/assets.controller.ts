import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Idempotent } from '../../platform/idempotency/idempotent.decorator.js';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { AssetDependenciesService } from './asset-dependencies.service.js';
import { AssetsService } from './assets.service.js';
import { CreateAssetDto } from './dto/create-asset.dto.js';
import { CreateDependencyDto } from './dto/create-dependency.dto.js';
import { AssetFiltersQuery, ListAssetsQuery } from './dto/list-assets.query.js';
import { ListDependenciesQuery } from './dto/list-dependencies.query.js';
import { LineageQuery } from './dto/lineage.query.js';
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
  async create(@Body() input: CreateAssetDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const asset = await this.assets.create(input);
    void reply.header('Location', `/api/assets/${asset.id}`);
    return asset;
  }

  @Get()
  list(@Query() query: ListAssetsQuery) {
    return this.assets.list(query);
  }

  @Get('count')
  count(@Query() filters: AssetFiltersQuery) {
    return this.assets.count(filters);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.assets.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() changes: UpdateAssetDto) {
    return this.assets.update(id, changes);
  }

  /** Its dependencies go with it, in the same transaction. */
  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.assets.delete(id);
  }

  @Post(':id/dependencies')
  @Idempotent()
  async declareDependency(@Param('id', ParseUUIDPipe) id: string, @Body() input: CreateDependencyDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const dependency = await this.dependencies.declare(id, input);
    void reply.header('Location', `/api/assets/${id}/dependencies/${dependency.id}`);
    return dependency;
  }

  @Get(':id/dependencies')
  listDependencies(@Param('id', ParseUUIDPipe) id: string, @Query() query: ListDependenciesQuery) {
    return this.dependencies.list(id, query);
  }

  @Delete(':id/dependencies/:dependencyId')
  @HttpCode(204)
  async removeDependency(@Param('id', ParseUUIDPipe) id: string, @Param('dependencyId', ParseUUIDPipe) dependencyId: string): Promise<void> {
    await this.dependencies.remove(id, dependencyId);
  }

  @Get(':id/lineage')
  @ExpensiveRead()
  @ApiProduces('application/json', 'text/plain')
  async lineage(@Param('id', ParseUUIDPipe) id: string, @Query() query: LineageQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const lineage = await this.dependencies.lineage(id, query);
    if (query.format === 'json') return lineage;
    void reply.type('text/plain; charset=utf-8');
    return query.format === 'mermaid' ? lineageAsMermaid(lineage) : lineageAsDot(lineage);
  }
}
