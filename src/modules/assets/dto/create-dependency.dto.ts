import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsUUID } from 'class-validator';
import { DEPENDENCY_TYPES, type DependencyType } from '../asset-type.js';

export class CreateDependencyDto {
  @ApiProperty({ format: 'uuid', description: 'The asset this one depends on, of the same tenant.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all')
  upstreamId!: string;

  @ApiProperty({ enum: DEPENDENCY_TYPES })
  @IsIn(DEPENDENCY_TYPES)
  type!: DependencyType;
}
