import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import { AppModule } from '../src/app.module.js';
import { parseEnvironment } from '../src/config/environment.js';
import { DashboardWidgetChanges } from '../src/modules/dashboards/dashboard-widget-changes.service.js';
import { DashboardsService } from '../src/modules/dashboards/dashboards.service.js';
import { CreateDashboardDto } from '../src/modules/dashboards/dto/create-dashboard.dto.js';
import { CreateLessonDto } from '../src/modules/lessons/dto/create-lesson.dto.js';
import { RecordPatternDto } from '../src/modules/lessons/dto/record-pattern.dto.js';
import { LessonsService } from '../src/modules/lessons/lessons.service.js';
import { PatternsService } from '../src/modules/lessons/patterns.service.js';
import { CreateProjectDto } from '../src/modules/projects/dto/create-project.dto.js';
import { ListProjectsQuery } from '../src/modules/projects/dto/list-projects.query.js';
import { ProjectsService } from '../src/modules/projects/projects.service.js';
import { CreateSavedQueryDto } from '../src/modules/queries/dto/create-saved-query.dto.js';
import { SavedQueriesService } from '../src/modules/queries/saved-queries.service.js';
import { CreateApprovalDto } from '../src/modules/tasks/dto/create-approval.dto.js';
import { CreateArtifactDto } from '../src/modules/tasks/dto/create-artifact.dto.js';
import { CreateReviewDto } from '../src/modules/tasks/dto/create-review.dto.js';
import { CreateTaskDto } from '../src/modules/tasks/dto/create-task.dto.js';
import { FinishExecutionDto } from '../src/modules/tasks/dto/finish-execution.dto.js';
import { StartExecutionDto } from '../src/modules/tasks/dto/start-execution.dto.js';
import { TransitionTaskDto } from '../src/modules/tasks/dto/transition-task.dto.js';
import { TaskWorkService } from '../src/modules/tasks/task-work.service.js';
import { TasksService } from '../src/modules/tasks/tasks.service.js';
import { CreateWidgetDto } from '../src/modules/widgets/dto/create-widget.dto.js';
import { principalOf, Role } from '../src/platform/auth/principal.js';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../src/platform/database/migrations.js';
import { TenantScope } from '../src/platform/tenancy/tenant-scope.js';
import { DASHBOARDS, DEMO_MARKER_PROJECT, LESSONS, PATTERNS, PROJECTS, SAVED_QUERY, TASK_PROMPTS } from './seed-data.js';

/**
 * npm run seed -- --tenant acme [--user demo-admin]
 *
 * Fills a tenant with a demo: 2 projects; 6 tasks, one in each state (with executions, self-reviews,
 * artifacts and an approval); 3 lessons and 2 patterns; a saved query; 2 dashboards with 5 widgets;
 * and, because those are ordinary writes, their audit entries. Against DATABASE_URL, or the embedded
 * database when it is unset (migrated first when DB_MIGRATE_ON_START, as the server does).
 *
 * It runs in-process through the modules' services inside ONE `TenantScope.run(principal, work)` as
 * the tenant's admin (`--user`, roles [admin]): like any internal service it gets the tenant context,
 * the ORM filter, row-level security, the transaction (all or nothing) and the audit trail (actor
 * `--user`, request id `seed-…`, user agent `tessera-seed`). It does NOT get what the HTTP stack adds:
 * the validation pipe (the script checks its own bodies with the same DTO validators instead),
 * Idempotency-Key replay, rate limits, the storage quota's 507, authentication, ETags/preconditions.
 *
 * Idempotent: the demo's first project (`Demo: Checkout revamp`) marks a seeded tenant; a second run
 * finds it, says so and adds nothing (exit 0). Delete that project to seed again.
 */

const USAGE = 'Usage: npm run seed -- --tenant <tenant id> [--user demo-admin]';

/** A body as the validation pipe would hand it to the service: transformed, validated, whitelisted. */
async function body<T extends object>(type: ClassConstructor<T>, plain: object): Promise<T> {
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new Error(`Seed data for ${type.name} is invalid: ${messagesOf(errors).join('; ')}`);
  return instance;
}

function messagesOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => `${prefix}${error.property}: ${message}`),
    ...messagesOf(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

export interface SeedSummary {
  seeded: boolean;
  projects: number;
  tasks: Record<string, number>;
  executions: number;
  reviews: number;
  artifacts: number;
  approvals: number;
  lessons: number;
  patterns: number;
  savedQueries: number;
  dashboards: number;
  widgets: number;
}

/** Writes the demo; call inside the tenant's unit of work. Returns what it wrote (seeded: false when the tenant already has it). */
async function writeDemo(app: INestApplicationContext): Promise<SeedSummary> {
  const projects = app.get(ProjectsService, { strict: false });
  const tasks = app.get(TasksService, { strict: false });
  const work = app.get(TaskWorkService, { strict: false });
  const summary: SeedSummary = {
    seeded: false,
    projects: 0,
    tasks: {},
    executions: 0,
    reviews: 0,
    artifacts: 0,
    approvals: 0,
    lessons: 0,
    patterns: 0,
    savedQueries: 0,
    dashboards: 0,
    widgets: 0,
  };
  const existing = await projects.list(plainToInstance(ListProjectsQuery, { q: DEMO_MARKER_PROJECT, limit: 100 }));
  if (existing.items.some((project) => project.name === DEMO_MARKER_PROJECT)) return summary;
  summary.seeded = true;

  const projectIds: string[] = [];
  for (const project of PROJECTS) projectIds.push((await projects.create(await body(CreateProjectDto, project))).id);
  summary.projects = projectIds.length;
  const [checkoutId, platformId] = projectIds as [string, string];

  const createTask = async (prompt: string, projectId: string, extra: object = {}) =>
    (await tasks.create(await body(CreateTaskDto, { prompt, projectId, ...extra }))).id;
  const move = async (id: string, to: string, extra: object = {}) => tasks.transition(id, await body(TransitionTaskDto, { to, ...extra }));
  const count = (state: string) => (summary.tasks[state] = (summary.tasks[state] ?? 0) + 1);
  /** One agent run on a running task: started, reviewed by the agent itself, finished. */
  const run = async (
    taskId: string,
    agentType: string,
    outcome: { status: 'completed' | 'failed'; output?: unknown; error?: unknown },
    score: number,
  ) => {
    const execution = await work.startExecution(
      taskId,
      await body(StartExecutionDto, { agentType, input: { branch: `demo/${taskId.slice(0, 8)}` } }),
    );
    await work.addReview(
      execution.id,
      await body(CreateReviewDto, {
        iteration: 1,
        agentType,
        qualityScore: score,
        completenessScore: score,
        correctnessScore: score,
        overallScore: score,
        gaps: score < 0.8 ? ['error paths untested'] : [],
        decision: score < 0.5 ? 'retry' : 'accept',
        reasoning: 'Self-review of the demo run.',
        durationMs: 1_200,
      }),
    );
    await work.finishExecution(execution.id, await body(FinishExecutionDto, { ...outcome, durationMs: 42_000, tokensUsed: 18_500 }));
    summary.executions += 1;
    summary.reviews += 1;
    return execution.id;
  };
  const artifact = async (taskId: string, executionId: string, path: string, content: string) => {
    summary.artifacts += 1;
    return (
      await work.addArtifact(
        taskId,
        await body(CreateArtifactDto, { type: 'code', path, content, executionId, metadata: { language: 'typescript' } }),
      )
    ).id;
  };

  // completed: ran, produced an artifact, finished.
  const completed = await createTask(TASK_PROMPTS.completed, checkoutId, { metadata: { priority: 'high' } });
  await move(completed, 'running');
  const completedRun = await run(completed, 'backend_dev', { status: 'completed', output: { filesChanged: 4 } }, 0.92);
  await artifact(completed, completedRun, 'src/payments/idempotency.ts', 'export const IDEMPOTENCY_TTL_HOURS = 24;\n');
  await move(completed, 'completed', { result: { summary: 'Keys stored for 24 h; replays return the first response.' } });
  count('completed');

  // running: a designer's work went to a human, was approved (back to running), and goes on.
  const approved = await createTask(TASK_PROMPTS.approved, checkoutId);
  await move(approved, 'running');
  const designRun = await run(approved, 'ui_designer', { status: 'completed', output: { screens: 3 } }, 0.81);
  const mockup = await artifact(approved, designRun, 'design/checkout-summary.tsx', 'export function Summary() { return null; }\n');
  await move(approved, 'awaiting_approval');
  await work.approve(
    approved,
    await body(CreateApprovalDto, { decision: 'approved', reason: 'Looks good; ship behind a flag.', artifactIds: [mockup] }),
  );
  summary.approvals += 1;
  count('running');

  // awaiting_approval: waiting for a human.
  const awaiting = await createTask(TASK_PROMPTS.awaiting, platformId);
  await move(awaiting, 'running');
  const planRun = await run(awaiting, 'architect', { status: 'completed', output: { plan: 'monthly partitions' } }, 0.74);
  await artifact(
    awaiting,
    planRun,
    'migrations/partition-orders.sql',
    'create table orders_p (like orders) partition by range (created_at);\n',
  );
  await move(awaiting, 'awaiting_approval');
  count('awaiting_approval');

  // failed: the run failed, and so did the task.
  const failed = await createTask(TASK_PROMPTS.failed, checkoutId);
  await move(failed, 'running');
  await run(failed, 'bug_fixer', { status: 'failed', error: { message: 'renderer 5.x drops embedded fonts' } }, 0.3);
  await move(failed, 'failed', { error: { message: 'Blocked on an upstream bug in the renderer' } });
  count('failed');

  const cancelled = await createTask(TASK_PROMPTS.cancelled, platformId);
  await move(cancelled, 'cancelled');
  count('cancelled');

  await createTask(TASK_PROMPTS.pending, checkoutId, { dependsOn: [completed] });
  count('pending');

  const lessons = app.get(LessonsService, { strict: false });
  for (const [index, lesson] of LESSONS.entries()) {
    const created = await lessons.create(await body(CreateLessonDto, index === 0 ? { ...lesson, taskId: completed } : lesson));
    if (index === 0) await lessons.recordApplication(created.id, true);
    summary.lessons += 1;
  }
  const patterns = app.get(PatternsService, { strict: false });
  for (const pattern of PATTERNS) {
    await patterns.record(await body(RecordPatternDto, pattern));
    summary.patterns += 1;
  }

  const savedQuery = await app.get(SavedQueriesService, { strict: false }).create(await body(CreateSavedQueryDto, SAVED_QUERY));
  summary.savedQueries = 1;
  const dashboards = app.get(DashboardsService, { strict: false });
  // The dashboards module exports DashboardsService only; widget changes are its aggregate's other door.
  const widgets = app.get(DashboardWidgetChanges, { strict: false });
  for (const [index, { widgets: items, ...dashboard }] of DASHBOARDS.entries()) {
    const created = await dashboards.create(await body(CreateDashboardDto, { ...dashboard, projectId: projectIds[index] }));
    summary.dashboards += 1;
    for (const { savedQuery: usesSavedQuery, ...widget } of items as Array<Record<string, unknown> & { savedQuery?: boolean }>) {
      await widgets.create(
        created.id,
        await body(CreateWidgetDto, usesSavedQuery ? { ...widget, savedQueryId: savedQuery.id } : widget),
        undefined,
      );
      summary.widgets += 1;
    }
  }
  return summary;
}

function report(tenant: string, user: string, summary: SeedSummary): string {
  const token = `npm run token -- --tenant ${tenant} --sub ${user} --roles admin`;
  if (!summary.seeded) {
    return `Tenant ${tenant} already holds the demo (project "${DEMO_MARKER_PROJECT}"): nothing added.\nA token: ${token}`;
  }
  const states = Object.entries(summary.tasks)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return [
    `Seeded tenant ${tenant} as ${user}:`,
    `  ${summary.projects} projects`,
    `  ${Object.values(summary.tasks).reduce((a, b) => a + b, 0)} tasks (${states}) with ${summary.executions} executions, ${summary.reviews} self-reviews, ${summary.artifacts} artifacts, ${summary.approvals} approval`,
    `  ${summary.lessons} lessons, ${summary.patterns} patterns, ${summary.savedQueries} saved query`,
    `  ${summary.dashboards} dashboards with ${summary.widgets} widgets`,
    '  and their audit entries (GET /api/audit-logs)',
    `A token: ${token}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' }, user: { type: 'string', default: 'demo-admin' } } });
  const tenant = values.tenant?.trim();
  const user = values.user.trim();
  if (!tenant || !user) throw new Error(USAGE);
  const environment = parseEnvironment(process.env);
  const embedded = environment.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dir: environment.EMBEDDED_PG_DIR, port: environment.EMBEDDED_PG_PORT, database: 'tessera' });
  const runtimeUrl = environment.DATABASE_URL ?? embedded!.runtimeUrl;
  const ownerUrl = environment.DATABASE_OWNER_URL ?? embedded?.ownerUrl;
  let app: INestApplicationContext | undefined;
  try {
    if (environment.DB_MIGRATE_ON_START && ownerUrl) await migrateToLatest(ownerUrl, environment);
    app = await NestFactory.createApplicationContext(AppModule.forRoot(environment, runtimeUrl, ownerUrl), { logger: false });
    const context = app;
    const origin = { requestId: `seed-${randomUUID()}`, ipAddress: '', userAgent: 'tessera-seed' };
    const summary = await context.get(TenantScope).run(principalOf(tenant, user, [Role.Admin]), () => writeDemo(context), origin);
    console.log(report(tenant, user, summary));
  } finally {
    await app?.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
