import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsUUID, ValidateNested } from 'class-validator';
import { WidgetPositionDto } from './create-widget.dto.js';

/** One item of a layout batch: where a widget of the dashboard goes. */
export class LayoutMoveDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  widgetId!: string;

  @ApiProperty({ type: WidgetPositionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WidgetPositionDto)
  position!: WidgetPositionDto;
}
