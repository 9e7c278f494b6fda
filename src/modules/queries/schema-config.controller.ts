import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Role } from '../../platform/auth/principal.js';
import { RequireRoles } from '../../platform/auth/roles.decorator.js';
import { etagOf, preconditionOf } from '../../platform/http/preconditions.js';
import { PutSchemaConfigDto } from './dto/put-schema-config.dto.js';
import { SchemaConfigService } from './schema-config.service.js';

@ApiTags('schema-config')
@ApiBearerAuth()
@Controller('schema-config')
export class SchemaConfigController {
  constructor(private readonly schemaConfig: SchemaConfigService) {}

  @Get()
  async get(@Res({ passthrough: true }) reply: FastifyReply) {
    const config = await this.schemaConfig.get();
    void reply.header('ETag', etagOf(config.version));
    return config;
  }

  @Put()
  @RequireRoles(Role.Admin)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag this change is based on ("0" before the first PUT); stale → 412.' })
  async put(@Body() input: PutSchemaConfigDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const config = await this.schemaConfig.put(input, preconditionOf(ifMatch, input.version));
    void reply.header('ETag', etagOf(config.version));
    return config;
  }
}
