import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { Environment } from '../../config/environment.js';

/**
 * For people at a terminal (stdout a TTY, outside production): one coloured line per entry through
 * pino-pretty, in a worker thread. Anywhere else (a file, a pipe, a container's log collector,
 * production): JSON lines, one object each.
 */
function prettyTransport(nodeEnv: Environment['NODE_ENV']) {
  if (!process.stdout.isTTY || nodeEnv === 'production') return undefined;
  return {
    target: 'pino-pretty',
    options: {
      colorize: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    },
  };
}

/** Structured JSON logs; every line of a request carries its request id, and tenant and user once known. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        assignResponse: true,
        pinoHttp: {
          level: config.get('LOG_LEVEL', { infer: true }),
          transport: prettyTransport(config.get('NODE_ENV', { infer: true })),
          // The Fastify adapter's request id generator already stored the id on the raw request: reuse it.
          genReqId: (request: { id?: string }) => request.id ?? 'unknown',
          // What an untrusted caller offered as X-Request-Id: logged beside the server's own id.
          customProps: (request: { id?: string; clientRequestId?: string }) =>
            request.clientRequestId ? { clientRequestId: request.clientRequestId } : {},
          // One short line per request; never headers (they carry bearer tokens).
          serializers: {
            req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
            res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
