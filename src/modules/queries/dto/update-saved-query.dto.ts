import { PartialType } from '@nestjs/swagger';
import { CreateSavedQueryDto } from './create-saved-query.dto.js';

/** Any of a saved query's fields; `description` may be cleared with null, the others not. */
export class UpdateSavedQueryDto extends PartialType(CreateSavedQueryDto, {
  // Absent means "unchanged"; null is validated (and refused) like any other wrong value.
  skipNullProperties: false,
}) {}
