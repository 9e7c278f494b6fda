import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQuery } from '../../platform/pagination/page.js';
import { etagOf, ParseVersionPipe, preconditionOf } from '../../platform/http/preconditions.js';
import { DashboardConfigs } from './dashboard-configs.service.js';
import { DashboardHistory } from './dashboard-history.js';
import { DashboardsService } from './dashboards.service.js';
import { CreateDashboardDto } from './dto/create-dashboard.dto.js';
import { OwnedListQuery } from '../../platform/pagination/owned-list.query.js';
import { DeleteDashboardQuery } from './dto/delete-dashboard.query.js';
import { PutDashboardConfigDto } from './dto/put-dashboard-config.dto.js';
import { UpdateDashboardDto } from './dto/update-dashboard.dto.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The ETag ("<version>") this change is based on; stale → 412.' };

/** Sets the strong ETag of a versioned response and returns it. */
function tagged<T extends { version: number }>(reply: FastifyReply, view: T): T {
  void reply.header('ETag', etagOf(view.version));
  return view;
}

@ApiTags('dashboards')
@ApiBearerAuth()
@Controller('dashboards')
export class DashboardsController {
  constructor(
    private readonly dashboards: DashboardsService,
    private readonly history: DashboardHistory,
    private readonly configs: DashboardConfigs,
  ) {}

  @Post()
  async create(@Body() input: CreateDashboardDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const dashboard = await this.dashboards.create(input);
    void reply.header('Location', `/api/dashboards/${dashboard.id}`);
    return tagged(reply, dashboard);
  }

  @Get()
  list(@Query() query: OwnedListQuery) {
    return this.dashboards.list(query);
  }

  /** The caller's trashed dashboards (an admin's: the tenant's), restorable until purgeAt. */
  @Get('trash')
  trash(@Query() query: PageQuery) {
    return this.dashboards.listTrash(query);
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.dashboards.get(id));
  }

  /** The owner or an admin; a viewer gets 403. */
  @Patch(':id')
  @ApiHeader(IF_MATCH)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() changes: UpdateDashboardDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return tagged(reply, await this.dashboards.update(id, changes, preconditionOf(ifMatch, changes.version)));
  }

  /** To the trash (204), or for good with ?permanent=true. */
  @Delete(':id')
  @HttpCode(204)
  @ApiHeader(IF_MATCH)
  async delete(@Param('id', ParseUUIDPipe) id: string, @Query() query: DeleteDashboardQuery, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    const precondition = preconditionOf(ifMatch);
    await (query.permanent ? this.dashboards.purge(id, precondition) : this.dashboards.trash(id, precondition));
  }

  @Post(':id/restore')
  @HttpCode(200)
  async restore(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.dashboards.restoreFromTrash(id));
  }

  /** The versions this dashboard's changes replaced, newest first. */
  @Get(':id/versions')
  versions(@Param('id', ParseUUIDPipe) id: string, @Query() query: PageQuery) {
    return this.history.list(id, query);
  }

  @Get(':id/versions/:version')
  version(@Param('id', ParseUUIDPipe) id: string, @Param('version', ParseVersionPipe) version: number) {
    return this.history.get(id, version);
  }

  /** Makes a kept version's content the dashboard's again, as a new version. */
  @Post(':id/versions/:version/restore')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  async restoreVersion(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseVersionPipe) version: number,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return tagged(reply, await this.dashboards.restoreVersion(id, version, preconditionOf(ifMatch)));
  }

  /** The caller's own config of the dashboard (empty, version 0, before the first PUT). ETag: the config's version. */
  @Get(':id/config')
  async config(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.configs.get(id));
  }

  @Put(':id/config')
  @ApiHeader({ ...IF_MATCH, description: 'The config ETag this change is based on ("0": only if none is saved yet); stale → 412.' })
  async putConfig(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() input: PutDashboardConfigDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return tagged(reply, await this.configs.put(id, input, preconditionOf(ifMatch, input.version)));
  }
}
