import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/public.decorator.js';
import { DatabaseAvailability } from '../database/database-availability.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { ApiProblems } from '../http/openapi.js';
import { ShutdownState } from '../lifecycle/shutdown-state.js';
import { HealthSchema } from './dto/health.response.js';

@ApiTags('health')
@Public()
// Every named limit: probes from a load balancer or orchestrator are never counted or refused.
@SkipThrottle({ user: true, tenant: true })
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseAvailability,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process is not wedged: restart it when this fails. A database outage alone does not fail it. */
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: 'Live.', schema: HealthSchema })
  @ApiProblems([503, 'A `not-ready` problem: `checks` names each check and why it failed.'])
  live() {
    return this.report([this.pool]);
  }

  /** The process can do its work now: route traffic here only while this passes. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: 'Ready.', schema: HealthSchema })
  @ApiProblems([503, 'A `not-ready` problem (also while shutting down): `checks` names each check and why it failed.'])
  async ready() {
    await this.database.refresh();
    return this.report([this.accepting, this.reachable, this.pool]);
  }

  private readonly accepting: HealthIndicatorFunction = () => {
    const check = this.indicators.check('shutdown');
    return this.shutdown.ready ? check.up() : check.down('shutting down');
  };

  private readonly reachable: HealthIndicatorFunction = () => {
    const check = this.indicators.check('database');
    const reason = this.database.unavailableReason;
    return reason === undefined ? check.up() : check.down(reason);
  };

  private readonly pool: HealthIndicatorFunction = () => {
    const check = this.indicators.check('pool');
    const reason = this.database.wedgedReason;
    return reason === undefined ? check.up() : check.down(reason);
  };

  /** Terminus's result when all pass; otherwise a 503 `not-ready` problem naming each failed check and why. */
  private async report(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failed = Object.entries(result.error ?? {}).map(([name, outcome]) =>
        outcome?.message ? `${name} (${String(outcome.message)})` : name,
      );
      throw new ProblemException(PlatformProblems.types['not-ready'], `Failed checks: ${failed.join(', ')}.`, { checks: result.details });
    }
  }
}
