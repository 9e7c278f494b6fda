/**
 * The demo `npm run seed` writes (scripts/seed.ts): plain request bodies, as a client would send them.
 * The first project's name marks a seeded tenant (a second run finds it and adds nothing).
 */

export const DEMO_MARKER_PROJECT = 'Demo: Checkout revamp';

export const PROJECTS = [
  {
    name: DEMO_MARKER_PROJECT,
    description: 'Agents rebuild the checkout flow: API, UI and tests.',
    settings: { defaultAgent: 'backend_dev' },
  },
  { name: 'Demo: Data platform', description: 'Nightly ingestion and the analytics dashboards on top of it.', settings: {} },
];

export const TASK_PROMPTS = {
  completed: 'Add idempotency keys to POST /payments',
  approved: 'Redesign the checkout summary page',
  awaiting: 'Migrate the orders table to a partitioned layout',
  failed: 'Upgrade the PDF invoice renderer',
  cancelled: 'Spike: a GraphQL gateway for checkout',
  pending: 'Write end-to-end tests for the refund flow',
};

export const LESSONS = [
  {
    category: 'testing',
    title: 'Seed idempotency tests with two concurrent requests',
    summary: 'A single retried request never shows the race; two in parallel with the same key do.',
    tags: ['idempotency', 'concurrency'],
    sourceAgent: 'tester',
    confidence: 0.9,
  },
  {
    category: 'database',
    title: 'Partition by month before the table passes 50 GB',
    summary: 'Attaching partitions later needs a long lock; plan the layout while the table is small.',
    details: 'Create the partitioned table beside the old one, copy in batches, swap names in one transaction.',
    tags: ['postgresql', 'migrations'],
    sourceAgent: 'architect',
    confidence: 0.7,
  },
  {
    category: 'frontend',
    title: 'Show the total before the payment form',
    summary: 'Users abandon checkout less when the final amount is visible before they type card details.',
    tags: ['ux', 'checkout'],
    sourceAgent: 'ui_designer',
    confidence: 0.6,
  },
];

export const PATTERNS = [
  { type: 'retry', agentType: 'backend_dev', pattern: { on: 'serialization_failure', attempts: 3, backoffMs: [50, 200, 800] } },
  { type: 'review-gap', agentType: 'reviewer', pattern: { gap: 'missing error-path tests', seen: 'payments' } },
];

export const SAVED_QUERY = {
  name: 'Orders per day',
  description: 'Count of orders by day, for the checkout dashboard.',
  query: {
    tables: [{ table: 'orders' }],
    columns: [
      { table: 'orders', column: 'created_on' },
      { table: 'orders', column: '*', aggregation: 'count', alias: 'orders' },
    ],
    groupBy: [{ table: 'orders', column: 'created_on' }],
    orderBy: [{ table: 'orders', column: 'created_on', direction: 'asc' }],
    limit: 90,
  },
};

export const DASHBOARDS = [
  {
    name: 'Demo: Checkout health',
    description: 'Orders, revenue and the agents working on checkout.',
    isPublic: true,
    widgets: [
      {
        type: 'metric',
        title: 'Revenue today',
        position: { x: 0, y: 0, w: 4, h: 2 },
        query: { tables: [{ table: 'orders' }], columns: [{ table: 'orders', column: 'amount', aggregation: 'sum' }] },
      },
      {
        type: 'line_chart',
        title: 'Orders per day',
        position: { x: 4, y: 0, w: 8, h: 4 },
        savedQuery: true,
        config: { xAxis: 'created_on', yAxis: 'orders' },
      },
      {
        type: 'text',
        title: 'Read me',
        position: { x: 0, y: 2, w: 4, h: 2 },
        config: { markdown: 'Seeded by `npm run seed`: edit or delete anything.' },
      },
    ],
  },
  {
    name: 'Demo: Ingestion',
    description: 'Rows loaded per source.',
    isPublic: false,
    widgets: [
      {
        type: 'bar_chart',
        title: 'Rows by source',
        position: { x: 0, y: 0, w: 6, h: 4 },
        query: {
          tables: [{ table: 'ingestion_runs' }],
          columns: [
            { table: 'ingestion_runs', column: 'source' },
            { table: 'ingestion_runs', column: 'rows', aggregation: 'sum' },
          ],
          groupBy: [{ table: 'ingestion_runs', column: 'source' }],
        },
      },
      {
        type: 'table',
        title: 'Latest runs',
        position: { x: 6, y: 0, w: 6, h: 4 },
        query: {
          tables: [{ table: 'ingestion_runs' }],
          columns: [
            { table: 'ingestion_runs', column: 'source' },
            { table: 'ingestion_runs', column: 'finished_at' },
          ],
          orderBy: [{ table: 'ingestion_runs', column: 'finished_at', direction: 'desc' }],
          limit: 20,
        },
      },
    ],
  },
];
