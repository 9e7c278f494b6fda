import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

/** Makes a route safe to retry with an `Idempotency-Key` header (remembered for 24 hours). */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Retry-safe key: the same key and body replay the first response; another body is 422; a retry while the first runs is 409.',
    }),
  );
