import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { QueryDefinitionDto } from '../../queries/dto/query-definition.dto.js';
import { WIDGET_TYPES, type WidgetType } from '../widget-type.js';

/** Grid bounds beyond what any layout allows (48 columns); x + w ≤ the dashboard's columns is checked against it. */
export const MAX_GRID_COLUMNS = 48;
export const MAX_GRID_ROW = 100_000;
export const MAX_WIDGET_HEIGHT = 1_000;

export class WidgetPositionDto {
  @ApiProperty({ minimum: 0, description: 'x + w ≤ the dashboard layout’s columns.' })
  @IsInt()
  @Min(0)
  @Max(MAX_GRID_COLUMNS - 1)
  x!: number;

  @ApiProperty({ minimum: 0, maximum: MAX_GRID_ROW })
  @IsInt()
  @Min(0)
  @Max(MAX_GRID_ROW)
  y!: number;

  @ApiProperty({ minimum: 1, maximum: MAX_GRID_COLUMNS })
  @IsInt()
  @Min(1)
  @Max(MAX_GRID_COLUMNS)
  w!: number;

  @ApiProperty({ minimum: 1, maximum: MAX_WIDGET_HEIGHT })
  @IsInt()
  @Min(1)
  @Max(MAX_WIDGET_HEIGHT)
  h!: number;
}

export class CreateWidgetDto {
  @ApiProperty({ enum: WIDGET_TYPES })
  @IsIn(WIDGET_TYPES)
  type!: WidgetType;

  @ApiProperty({ minLength: 1, maxLength: 255 })
  @IsString()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(255)
  title!: string;

  @ApiPropertyOptional({ type: QueryDefinitionDto, nullable: true, description: 'Required, except for text widgets, which have none.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QueryDefinitionDto)
  query?: QueryDefinitionDto | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'A saved query of the same tenant.' })
  @IsOptional()
  @IsUUID()
  savedQueryId?: string | null;

  @ApiProperty({ type: WidgetPositionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WidgetPositionDto)
  position!: WidgetPositionDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Presentation settings; at most 64 KiB of JSON.' })
  @IsOmittable()
  @IsObject()
  config?: Record<string, unknown>;
}
