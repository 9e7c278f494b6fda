import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { Environment } from '../../config/environment.js';

/** Structured JSON logs; every line of a request carries its request id, and tenant and user once known. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        assignResponse: true,
        pinoHttp: {
          level: config.get('LOG_LEVEL', { infer: true }),
          // The Fastify adapter's requestIdOf() already stored the id on the raw request: reuse it.
          genReqId: (request: { id?: string }) => request.id ?? 'unknown',
          customAttributeKeys: { reqId: 'requestId' },
          redact: ['req.headers.authorization', 'req.headers.cookie'],
        },
      }),
    }),
  ],
})
export class LoggingModule {}
