import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { AssetImpactSchema } from '../assets/dto/asset.response.js';
import { AssetImpactService } from './asset-impact.service.js';

@ApiTags('assets')
@ApiBearerAuth()
@Controller('assets')
export class AssetImpactController {
  constructor(private readonly impact: AssetImpactService) {}

  /** Everything downstream (up to 20 deep, 1,000 assets) and the workflows that read or produce it. */
  @Get(':id/impact')
  @ApiOkResponse({ schema: AssetImpactSchema })
  @ExpensiveRead()
  of(@Param('id', ParseUUIDPipe) id: string) {
    return this.impact.of(id);
  }
}
