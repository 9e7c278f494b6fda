import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../platform/http/openapi.js';
import { etagOf, preconditionOf } from '../../platform/http/preconditions.js';
import { CreateWidgetDto } from '../widgets/dto/create-widget.dto.js';
import { LayoutMoveDto } from '../widgets/dto/layout-move.dto.js';
import { UpdateWidgetDto } from '../widgets/dto/update-widget.dto.js';
import { WidgetSchema } from '../widgets/dto/widget.response.js';
import { DashboardWidgetChanges } from './dashboard-widget-changes.service.js';
import { DashboardsService } from './dashboards.service.js';
import { DashboardSchema } from './dto/dashboard.response.js';
import { LayoutBatchPipe } from './layout-batch.pipe.js';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The dashboard ETag ("<version>") this change is based on; stale → 412.',
};

/**
 * The widget routes. They live with the dashboards because a widget change is a change of its
 * dashboard; widget responses carry their dashboard's version as ETag, and writes are conditional on it.
 */
@ApiTags('widgets')
@ApiBearerAuth()
@Controller()
export class WidgetsController {
  constructor(
    private readonly widgets: DashboardWidgetChanges,
    private readonly dashboards: DashboardsService,
  ) {}

  @Post('dashboards/:id/widgets')
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ description: "The widget (`Location` names it; `ETag`: its dashboard's version).", schema: WidgetSchema })
  @ApiProblems(403, 409, 412)
  async create(
    @Param('id', ParseUUIDPipe) dashboardId: string,
    @Body() input: CreateWidgetDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const widget = await this.widgets.create(dashboardId, input, preconditionOf(ifMatch));
    void reply.header('Location', `/api/widgets/${widget.id}`).header('ETag', etagOf(widget.dashboardVersion));
    return widget;
  }

  /** Moves many widgets of the dashboard in one transaction, all or nothing; returns the dashboard with its widgets. */
  @Patch('dashboards/:id/layout')
  @ApiHeader(IF_MATCH)
  @ApiBody({ type: [LayoutMoveDto] })
  @ApiOkResponse({ schema: DashboardSchema })
  @ApiProblems(403, 412)
  async moveMany(
    @Param('id', ParseUUIDPipe) dashboardId: string,
    @Body(LayoutBatchPipe) moves: LayoutMoveDto[],
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.widgets.moveMany(dashboardId, moves, preconditionOf(ifMatch));
    const dashboard = await this.dashboards.get(dashboardId);
    void reply.header('ETag', etagOf(dashboard.version));
    return dashboard;
  }

  @Get('widgets/:id')
  @ApiOkResponse({ description: "The widget (`ETag`: its dashboard's version).", schema: WidgetSchema })
  async get(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const widget = await this.widgets.get(id);
    void reply.header('ETag', etagOf(widget.dashboardVersion));
    return widget;
  }

  @Patch('widgets/:id')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ schema: WidgetSchema })
  @ApiProblems(403, 412)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() changes: UpdateWidgetDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const widget = await this.widgets.update(id, changes, preconditionOf(ifMatch, changes.version));
    void reply.header('ETag', etagOf(widget.dashboardVersion));
    return widget;
  }

  @Delete('widgets/:id')
  @HttpCode(204)
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(403, 412)
  async delete(@Param('id', ParseUUIDPipe) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.widgets.delete(id, preconditionOf(ifMatch));
  }
}
