import { PartialType } from '@nestjs/swagger';
import { CreateAssetDto } from './create-asset.dto.js';

export class UpdateAssetDto extends PartialType(CreateAssetDto, {
  // Absent means "unchanged"; null is validated (and refused where it is not allowed) like any other value.
  skipNullProperties: false,
}) {}
