import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { MAX_VERSION } from '../../../platform/http/preconditions.js';
import { CreateWidgetDto } from './create-widget.dto.js';

/** Any of a widget's fields (`query` and `savedQueryId` may be cleared with null); `version` is the dashboard's, like If-Match. */
export class UpdateWidgetDto extends PartialType(CreateWidgetDto, {
  // Absent means "unchanged"; null is validated (and refused) like any other wrong value.
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({ minimum: 1, description: 'The dashboard version this change is based on; stale → 412.' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;
}
