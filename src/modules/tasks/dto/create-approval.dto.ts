import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { APPROVAL_DECISIONS, type ApprovalDecision } from '../task-approval.entity.js';
import { lowerCaseIds } from './create-task.dto.js';

export class CreateApprovalDto {
  @ApiProperty({ enum: APPROVAL_DECISIONS })
  @IsIn(APPROVAL_DECISIONS)
  decision!: ApprovalDecision;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  reason?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Artifacts of this task to mark approved or rejected.' })
  @IsOptional()
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  artifactIds?: string[];
}
