import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiProblems } from '../../../platform/http/openapi.js';
import { OpenLineageIngestionSchema } from '../dto/workflow.response.js';
import { OpenLineageService } from './openlineage.service.js';
import { RunEventDto } from './run-event.dto.js';
import { MAX_EVENTS_PER_BATCH, RunEventsPipe } from './run-events.pipe.js';

@ApiTags('lineage')
@ApiBearerAuth()
@Controller('lineage')
export class OpenLineageController {
  constructor(private readonly openLineage: OpenLineageService) {}

  /**
   * OpenLineage RunEvents (spec 2-0-2): one, or a batch of up to 100 applied all or nothing. Each
   * event applies once (by runId, eventType and eventTime); a replay answers `replayed: true`.
   */
  @Post('events')
  @HttpCode(200)
  @ApiOkResponse({ description: 'What each event did.', schema: OpenLineageIngestionSchema })
  @ApiProblems(409)
  // The body names RunEventDto only through the references below: registered, or they would dangle.
  @ApiExtraModels(RunEventDto)
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(RunEventDto) },
        { type: 'array', maxItems: MAX_EVENTS_PER_BATCH, items: { $ref: getSchemaPath(RunEventDto) } },
      ],
    },
  })
  ingest(@Body(RunEventsPipe) events: RunEventDto[]) {
    return this.openLineage.ingest(events);
  }
}
