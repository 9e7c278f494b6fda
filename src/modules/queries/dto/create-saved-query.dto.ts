import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { QueryDefinitionDto } from './query-definition.dto.js';

export const NOT_BLANK = /\S/;
export const MAX_DESCRIPTION_LENGTH = 10_000;

export class CreateSavedQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 255, description: 'Unique within the tenant.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;

  @ApiProperty({ type: QueryDefinitionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => QueryDefinitionDto)
  query!: QueryDefinitionDto;
}
