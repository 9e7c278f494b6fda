import type { PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import { ValidationFailedException } from '../../../platform/errors/problem.exception.js';
import type { FieldError } from '../../../platform/errors/problem.js';
import { RunEventDto } from './run-event.dto.js';

export const MAX_EVENTS_PER_BATCH = 100;

/**
 * One RunEvent, or an array of them (a batch), validated here rather than by the global pipe: the
 * OpenLineage schema lets producers add members of their own, which are ignored instead of refused.
 * A refusal names each field with its event's index in a batch (`[2].run.runId`).
 */
export class RunEventsPipe implements PipeTransform<unknown, Promise<RunEventDto[]>> {
  async transform(body: unknown): Promise<RunEventDto[]> {
    const batch = Array.isArray(body);
    const events: unknown[] = batch ? body : [body];
    if (
      events.length === 0 ||
      events.length > MAX_EVENTS_PER_BATCH ||
      events.some((event) => event === null || typeof event !== 'object' || Array.isArray(event))
    ) {
      throw new ValidationFailedException([
        { field: 'body', messages: [`a RunEvent object, or an array of 1 to ${MAX_EVENTS_PER_BATCH} of them`] },
      ]);
    }
    const instances = events.map((event) => plainToInstance(RunEventDto, event));
    const errors: FieldError[] = [];
    for (const [index, instance] of instances.entries()) {
      errors.push(...fieldErrors(await validate(instance, { whitelist: true, forbidNonWhitelisted: false }), batch ? `[${index}]` : ''));
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return instances;
  }
}

function fieldErrors(errors: ValidationError[], parent: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}
