import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { MAX_VERSION } from '../../../platform/http/preconditions.js';
import { CreateDashboardDto } from './create-dashboard.dto.js';

/** Any of a dashboard's own fields (`description` and `projectId` may be cleared with null); `version` makes it conditional like If-Match. */
export class UpdateDashboardDto extends PartialType(CreateDashboardDto, {
  // Absent means "unchanged"; null is validated (and refused) like any other wrong value.
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({ minimum: 1, description: 'The version this change is based on; stale → 412.' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;
}
