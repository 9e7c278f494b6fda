import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { etagOf, ParseVersionPipe, preconditionOf } from '../../platform/http/preconditions.js';
import { PageQuery } from '../../platform/pagination/page.js';
import { DashboardConfigs } from './dashboard-configs.service.js';
import { DashboardHistory } from './dashboard-history.js';
import { DashboardsService } from './dashboards.service.js';
import { CreateDashboardDto } from './dto/create-dashboard.dto.js';
import {
  DashboardConfigSchema,
  DashboardPageSchema,
  DashboardSchema,
  DashboardVersionPageSchema,
  DashboardVersionSchema,
  TrashedDashboardPageSchema,
} from './dto/dashboard.response.js';
import { DeleteDashboardQuery } from './dto/delete-dashboard.query.js';
import { DashboardFiltersQuery, ListDashboardsQuery } from './dto/list-dashboards.query.js';
import { DashboardConfigQuery, PutDashboardConfigDto } from './dto/put-dashboard-config.dto.js';
import { UpdateDashboardDto } from './dto/update-dashboard.dto.js';
import { isUnchanged, parseIfNoneMatch } from './if-none-match.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The ETag ("<version>") this change is based on; stale → 412.' };

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  required: false,
  description:
    'ETags the client already has ("<version>", W/"<version>", a list, or *): when one is current, 304 without a body (cheap polling).',
};

/** Sets the strong ETag of a versioned response and returns it. */
function tagged<T extends { version: number }>(reply: FastifyReply, view: T): T {
  void reply.header('ETag', etagOf(view.version));
  return view;
}

/**
 * Answers a conditional read (the handler owns the reply): 304 with the ETag alone when the client
 * has the current version, else 200 with the view. Responses are per user (private) and revalidated
 * on every use (no-cache), so a browser cache polls with If-None-Match by itself.
 */
function sendConditional(reply: FastifyReply, result: { version: number; notModified?: true }): FastifyReply {
  void reply.header('ETag', etagOf(result.version)).header('Cache-Control', 'private, no-cache');
  return result.notModified ? reply.status(304).send() : reply.status(200).send(result);
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
  @ApiCreatedResponse({ description: 'The dashboard (`Location` names it; `ETag` its version).', schema: DashboardSchema })
  @ApiProblems(409)
  async create(@Body() input: CreateDashboardDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const dashboard = await this.dashboards.create(input);
    void reply.header('Location', `/api/dashboards/${dashboard.id}`);
    return tagged(reply, dashboard);
  }

  /** Dashboards the caller may see, each with its widgetCount; `sort=created|updated|name`. */
  @Get()
  @ApiOkResponse({ schema: DashboardPageSchema })
  list(@Query() query: ListDashboardsQuery) {
    return this.dashboards.list(query);
  }

  /** How many dashboards the list would show with the same filters: `{ "count": n }`. */
  @Get('count')
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() query: DashboardFiltersQuery) {
    return this.dashboards.count(query);
  }

  /** The caller's trashed dashboards (an admin's: the tenant's), restorable until purgeAt. */
  @Get('trash')
  @ApiOkResponse({ schema: TrashedDashboardPageSchema })
  trash(@Query() query: PageQuery) {
    return this.dashboards.listTrash(query);
  }

  @Get(':id')
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ description: 'The dashboard with its widgets (`ETag`: its version).', schema: DashboardSchema })
  @ApiResponse({ status: 304, description: 'The client has the current version (If-None-Match).' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    return sendConditional(reply, await this.dashboards.getUnlessUnchanged(id, parseIfNoneMatch(ifNoneMatch)));
  }

  /** The owner or an admin; a viewer gets 403. */
  @Patch(':id')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ schema: DashboardSchema })
  @ApiProblems(403, 409, 412)
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
  @ApiNoContentResponse({ description: 'Trashed (or deleted for good).' })
  @ApiProblems(403, 412)
  async delete(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeleteDashboardQuery,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    const precondition = preconditionOf(ifMatch);
    await (query.permanent ? this.dashboards.purge(id, precondition) : this.dashboards.trash(id, precondition));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOkResponse({ schema: DashboardSchema })
  @ApiProblems(403, 409)
  async restore(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return tagged(reply, await this.dashboards.restoreFromTrash(id));
  }

  /** The versions this dashboard's changes replaced, newest first. */
  @Get(':id/versions')
  @ApiOkResponse({ schema: DashboardVersionPageSchema })
  versions(@Param('id', ParseUUIDPipe) id: string, @Query() query: PageQuery) {
    return this.history.list(id, query);
  }

  @Get(':id/versions/:version')
  @ApiOkResponse({ schema: DashboardVersionSchema })
  version(@Param('id', ParseUUIDPipe) id: string, @Param('version', ParseVersionPipe) version: number) {
    return this.history.get(id, version);
  }

  /** Makes a kept version's content the dashboard's again, as a new version. */
  @Post(':id/versions/:version/restore')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ schema: DashboardSchema })
  @ApiProblems(403, 409, 412)
  async restoreVersion(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseVersionPipe) version: number,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return tagged(reply, await this.dashboards.restoreVersion(id, version, preconditionOf(ifMatch)));
  }

  /**
   * The caller's own config of the dashboard (empty, version 0, before the first PUT), shared by
   * their devices, or a device session's own with `?sessionId=`. ETag: the config's version.
   */
  @Get(':id/config')
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ description: 'The config (`ETag`: its version).', schema: DashboardConfigSchema })
  @ApiResponse({ status: 304, description: 'The client has the current version (If-None-Match).' })
  async config(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DashboardConfigQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const noneMatch = parseIfNoneMatch(ifNoneMatch);
    const config = await this.configs.get(id, query.sessionId);
    return sendConditional(reply, isUnchanged(noneMatch, config.version) ? { notModified: true, version: config.version } : config);
  }

  @Put(':id/config')
  @ApiOkResponse({ schema: DashboardConfigSchema })
  @ApiProblems(409, 412)
  @ApiHeader({ ...IF_MATCH, description: 'The config ETag this change is based on ("0": only if none is saved yet); stale → 412.' })
  async putConfig(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DashboardConfigQuery,
    @Body() input: PutDashboardConfigDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return tagged(reply, await this.configs.put(id, query.sessionId, input, preconditionOf(ifMatch, input.version)));
  }

  /** Deletes the caller's config (shared, or a session's with `?sessionId=`): reads are empty again. 204 also when none was saved. */
  @Delete(':id/config')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted (also when none was saved).' })
  @ApiProblems(412)
  @ApiHeader({ ...IF_MATCH, description: 'The config ETag the deletion is based on; stale → 412.' })
  async deleteConfig(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DashboardConfigQuery,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.configs.delete(id, query.sessionId, preconditionOf(ifMatch));
  }
}
