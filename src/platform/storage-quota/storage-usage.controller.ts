import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '../auth/principal.js';
import { RequireRoles } from '../auth/roles.decorator.js';
import { ApiProblems } from '../http/openapi.js';
import { StorageUsageSchema } from './dto/storage-usage.response.js';
import { StorageUsageService } from './storage-usage.js';

@ApiTags('usage')
@ApiBearerAuth()
@RequireRoles(Role.Admin)
@Controller('usage')
export class StorageUsageController {
  constructor(private readonly storage: StorageUsageService) {}

  /** The tenant's stored bytes by table, against its quota. */
  @Get()
  @ApiOkResponse({ schema: StorageUsageSchema })
  @ApiProblems([403, 'Admins only.'])
  getStorageUsage() {
    return this.storage.usage();
  }
}
