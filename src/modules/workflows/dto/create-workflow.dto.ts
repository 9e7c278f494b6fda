import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { WORKFLOW_NAME_PATTERN } from '../workflow-name.js';
import { PutWorkflowDto } from './put-workflow.dto.js';

export class CreateWorkflowDto extends PutWorkflowDto {
  @ApiProperty({ pattern: WORKFLOW_NAME_PATTERN.source, example: 'orders-nightly', description: 'Unique in the tenant.' })
  @IsString()
  @Matches(WORKFLOW_NAME_PATTERN, { message: 'name must be letters, digits and . _ : - only, at most 200 characters' })
  name!: string;
}
