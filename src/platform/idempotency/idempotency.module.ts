import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Global, Module } from '@nestjs/common';
import { ExpiredIdempotencyKeysSweep } from './expired-keys-sweep.job.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyService } from './idempotency.service.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

@Global()
@Module({
  imports: [MikroOrmModule.forFeature([IdempotencyKey])],
  providers: [IdempotencyService, IdempotencyInterceptor, ExpiredIdempotencyKeysSweep],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
