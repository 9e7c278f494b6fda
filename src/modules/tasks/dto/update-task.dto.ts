import { PartialType, PickType } from '@nestjs/swagger';
import { CreateTaskDto } from './create-task.dto.js';

/** What may change while a task is pending, each field optional; `dependsOn` replaces the whole set. */
export class UpdateTaskDto extends PartialType(PickType(CreateTaskDto, ['prompt', 'config', 'metadata', 'dependsOn'] as const), {
  // Absent means "unchanged"; null is validated (and refused) like any other wrong value.
  skipNullProperties: false,
}) {}
