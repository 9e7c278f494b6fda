import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export const MAX_STEPS = 200;
const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export class WorkflowStepDto {
  @ApiProperty({ pattern: STEP_NAME.source, description: 'Unique in the workflow.' })
  @IsString()
  @Matches(STEP_NAME, { message: 'step names are letters, digits, _ and -, at most 100' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 10_000, description: 'What the step runs (a command, an operator…): opaque to Tessera.' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  command?: string;

  @ApiPropertyOptional({ type: [String], description: 'Names of steps of this workflow that run first.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_STEPS)
  @ArrayUnique()
  @IsString({ each: true })
  dependsOn?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

/** A workflow's definition: its steps (a DAG by `dependsOn`) and optionally a schedule. */
export class WorkflowDefinitionDto {
  @ApiProperty({ type: [WorkflowStepDto], minItems: 1, maxItems: MAX_STEPS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STEPS)
  @ValidateNested({ each: true })
  @Type(() => WorkflowStepDto)
  steps!: WorkflowStepDto[];

  @ApiPropertyOptional({
    maxLength: 100,
    example: '0 2 * * *',
    description: 'A cron expression or a preset such as @daily; kept as given.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  schedule?: string;
}
