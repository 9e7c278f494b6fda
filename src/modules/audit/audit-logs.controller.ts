import { once } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { Controller, Get, Logger, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Role } from '../../platform/auth/principal.js';
import { RequireRoles } from '../../platform/auth/roles.decorator.js';
import { ApiProblems, CountSchema } from '../../platform/http/openapi.js';
import { ExpensiveRead } from '../../platform/tenancy/expensive-read.decorator.js';
import { OwnUnitsOfWork } from '../../platform/tenancy/own-units-of-work.decorator.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { AuditEntryView } from './audit-entry.view.js';
import { AuditEvents } from './audit-events.js';
import { EXPORT_CONTENT_TYPES, exportHeader, exportLine } from './audit-export.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditVerification } from './audit-verification.js';
import { AuditEntryPageSchema, AuditEntrySchema, AuditStatsSchema, AuditVerificationSchema } from './dto/audit-log.response.js';
import { AuditStatsQuery } from './dto/audit-stats.query.js';
import { AuditFilterQuery, AuditRangeQuery, ExportAuditLogsQuery, ListAuditLogsQuery } from './dto/list-audit-logs.query.js';

const STALLED_CLIENT_MS = 30_000;

/** The tenant's audit trail, for its administrators only. */
@ApiTags('audit-logs')
@ApiBearerAuth()
@RequireRoles(Role.Admin)
@ApiProblems([403, 'The caller is not an administrator of the tenant.'])
@Controller('audit-logs')
export class AuditLogsController {
  private readonly logger = new Logger(AuditLogsController.name);

  constructor(
    private readonly auditLog: AuditLogService,
    private readonly verification: AuditVerification,
    private readonly events: AuditEvents,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Entries, newest first.', schema: AuditEntryPageSchema })
  list(@Query() query: ListAuditLogsQuery) {
    return this.auditLog.list(query);
  }

  /**
   * `{ count }` of the entries the list's filters select (no cursor or limit). Exact, so its cost grows
   * with the entries counted: an expensive read (DB_EXPENSIVE_STATEMENT_TIMEOUT_MS, then 503; narrow
   * it with from/to).
   */
  @Get('count')
  @ExpensiveRead()
  @ApiOkResponse({ schema: CountSchema })
  count(@Query() filters: AuditFilterQuery) {
    return this.auditLog.count(filters);
  }

  /**
   * Streams every matching entry, newest first, written as it is read (constant memory), each batch
   * read in a short transaction of its own. A client that stops reading for STALLED_CLIENT_MS is
   * cut off.
   */
  @Get('export')
  @OwnUnitsOfWork()
  @ApiOkResponse({
    description:
      'Every matching entry, newest first, as an attachment (`Content-Disposition`): NDJSON (`format=ndjson`, one `AuditEntry` per line) or CSV (`format=csv`, RFC 4180, a header line first; `actorRoles` and `details` as JSON text).',
    content: {
      [EXPORT_CONTENT_TYPES.ndjson.split(';')[0]!]: {
        schema: { type: 'string', description: 'One JSON `AuditEntry` per line.' },
      },
      [EXPORT_CONTENT_TYPES.csv.split(';')[0]!]: {
        schema: { type: 'string', description: 'RFC 4180 CSV with a header line.' },
      },
    },
  })
  async export(@Query() query: ExportAuditLogsQuery, @Res() reply: FastifyReply): Promise<void> {
    // Who took a copy of the trail, and of what, is itself in the trail.
    await this.events.record(TenantContext.current(), TenantContext.origin(), {
      action: 'audit_log.export',
      resourceType: 'audit_log',
      details: { ...query },
    });
    const batches = this.auditLog.export(query);
    // Read the first batch before answering, so that a failure to read is still a problem response.
    const first = await batches.next();
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': EXPORT_CONTENT_TYPES[query.format],
      'content-disposition': `attachment; filename="audit-log.${query.format}"`,
      'cache-control': 'no-store',
    });
    const write = async (entries: AuditEntryView[]) => {
      if (response.destroyed) {
        throw new Error('The client went away during the export');
      }
      if (!response.write(entries.map((entry) => exportLine(query.format, entry)).join(''))) {
        const waiting = new AbortController();
        await Promise.race([
          once(response, 'drain', waiting),
          once(response, 'close', waiting),
          delay(STALLED_CLIENT_MS, undefined, waiting).then(() => response.destroy()),
        ]).finally(() => waiting.abort());
      }
    };
    try {
      response.write(exportHeader(query.format));
      if (!first.done) {
        await write(first.value);
        for await (const batch of batches) {
          await write(batch);
        }
      }
      response.end();
    } catch (error) {
      // The status is already sent: all a failure can do now is cut the response short.
      this.logger.warn({ err: error, requestId: reply.request.id }, 'Audit export cut short');
      response.destroy(error as Error);
    }
  }

  /**
   * Entries per hour or day (UTC) by action family (`task`, `dashboard`…) over `from`/`to`: the
   * console's activity chart. The range is capped (7 days of hours, 92 days of days) so the read is
   * bounded; one range scan of the tenant's created-at index.
   */
  @Get('stats')
  @ExpensiveRead()
  @ApiOkResponse({ description: 'Entries per bucket and action family.', schema: AuditStatsSchema })
  stats(@Query() query: AuditStatsQuery) {
    return this.auditLog.stats(query);
  }

  @Get('verify')
  @ApiOkResponse({
    description: 'Whether the hash chains over the range are intact (a broken chain is a 200 with `ok: false`).',
    schema: AuditVerificationSchema,
  })
  verify(@Query() range: AuditRangeQuery) {
    return this.verification.verify(range);
  }

  @Get(':id')
  @ApiOkResponse({ schema: AuditEntrySchema })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.auditLog.get(id);
  }
}
