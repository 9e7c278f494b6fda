import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, map, Observable } from 'rxjs';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { canonicalJson } from './canonical-json.js';
import { IdempotencyService } from './idempotency.service.js';

const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

/** Applied by @Idempotent(): a request with an Idempotency-Key header runs once; retries replay its response. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) {
      return next.handle();
    }
    if (typeof key !== 'string' || !ACCEPTABLE_KEY.test(key)) {
      throw new ProblemException(
        PlatformProblems.types['invalid-idempotency-key'],
        'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      );
    }
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`)
      .digest('hex');
    const outcome = this.idempotency.run(key, fingerprint, async () => {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const location = reply.getHeader('location');
      return { body, location: typeof location === 'string' ? location : undefined };
    });
    return from(outcome).pipe(
      map(({ body, location, replayed }) => {
        if (replayed) {
          void reply.header('Idempotent-Replayed', 'true');
          if (location) void reply.header('Location', location);
        }
        return body;
      }),
    );
  }
}
