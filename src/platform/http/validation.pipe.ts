import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailedException } from '../errors/problem.exception.js';
import type { FieldError } from '../errors/problem.js';
import { someJsonValue } from './json-depth.js';

/**
 * Whitelisting, transforming validation whose failures become 400 problems listing every field.
 * It also refuses NUL characters anywhere in the input: PostgreSQL text cannot hold them.
 */
class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => new ValidationFailedException(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // One allocation-free pass over every input; the paths are worked out only for a refusal.
    if (someJsonValue(value, holdsNul)) {
      const withNul = pathsWithNul(value, metadata.data ?? '');
      throw new ValidationFailedException(withNul.map((field) => ({ field, messages: ['must not contain NUL characters'] })));
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe();
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((key) => key.includes('\u0000'));
}

/** Recursive, but only ever given input that passed the depth check (the body's preValidation hook). */
function pathsWithNul(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? [path || 'value'] : [];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => {
      const childPath = path ? `${path}.${key}` : key;
      return key.includes('\u0000') ? [childPath] : pathsWithNul(child, childPath);
    });
  }
  return [];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
