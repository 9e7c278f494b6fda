import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Role } from '../../platform/auth/principal.js';
import { RequireRoles } from '../../platform/auth/roles.decorator.js';
import { ApiProblems } from '../../platform/http/openapi.js';
import { etagOf, preconditionOf } from '../../platform/http/preconditions.js';
import { PutSchemaConfigDto } from './dto/put-schema-config.dto.js';
import { SchemaConfigSchema } from './dto/query.response.js';
import { SchemaConfigService } from './schema-config.service.js';

@ApiTags('schema-config')
@ApiBearerAuth()
@Controller('schema-config')
export class SchemaConfigController {
  constructor(private readonly schemaConfig: SchemaConfigService) {}

  @Get()
  @ApiOkResponse({ description: 'The configuration (`ETag` names its version).', schema: SchemaConfigSchema })
  async get(@Res({ passthrough: true }) reply: FastifyReply) {
    const config = await this.schemaConfig.get();
    void reply.header('ETag', etagOf(config.version));
    return config;
  }

  @Put()
  @RequireRoles(Role.Admin)
  @ApiOkResponse({ description: 'The new configuration (`ETag` names its version).', schema: SchemaConfigSchema })
  @ApiProblems(403, 412)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag this change is based on ("0" before the first PUT); stale → 412.',
  })
  async put(
    @Body() input: PutSchemaConfigDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const config = await this.schemaConfig.put(input, preconditionOf(ifMatch, input.version));
    void reply.header('ETag', etagOf(config.version));
    return config;
  }
}
