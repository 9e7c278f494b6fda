import { PartialType } from '@nestjs/swagger';
import { CreateLessonDto } from './create-lesson.dto.js';

/** Any of a lesson's own fields; its counters and validation are set only through their routes (a content change withdraws the validation). */
export class UpdateLessonDto extends PartialType(CreateLessonDto, {
  // Absent means "unchanged"; null is validated (and refused) like any other wrong value.
  skipNullProperties: false,
}) {}
