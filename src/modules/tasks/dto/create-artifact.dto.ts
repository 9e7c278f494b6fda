import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** Bodies above this are refused (the request body limit is larger, so the client gets this message). */
export const MAX_ARTIFACT_CONTENT_CHARS = 512 * 1024;

export class CreateArtifactDto {
  @ApiProperty({ maxLength: 50, example: 'source_file' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  type!: string;

  @ApiProperty({ maxLength: 1024, example: 'src/app.ts' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  path!: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTIFACT_CONTENT_CHARS })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ARTIFACT_CONTENT_CHARS, { message: `content must be at most ${MAX_ARTIFACT_CONTENT_CHARS} characters` })
  content?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', description: 'The execution of this task that produced it.' })
  @IsOptional()
  @IsUUID()
  executionId?: string;
}
