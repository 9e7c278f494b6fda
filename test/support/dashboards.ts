import request from 'supertest';
import type { TestApp } from './test-app.js';

type Headers = Record<string, string>;

/** A valid query definition for chart widgets and saved queries. */
export const SALES_QUERY = {
  tables: [{ table: 'orders', alias: 'o' }],
  columns: [
    { table: 'o', column: 'region' },
    { table: 'o', column: 'amount', aggregation: 'sum', alias: 'total' },
  ],
  filters: [{ table: 'o', column: 'status', operator: 'eq', value: 'paid' }],
  groupBy: [{ table: 'o', column: 'region' }],
  orderBy: [{ column: 'total', direction: 'desc' }],
  limit: 10,
};

export interface DashboardBody {
  id: string;
  version: number;
  widgets: WidgetBody[];
  [field: string]: unknown;
}

export interface WidgetBody {
  id: string;
  position: { x: number; y: number; w: number; h: number };
  [field: string]: unknown;
}

let names = 0;

export async function createDashboard(testApp: TestApp, auth: Headers, body: Record<string, unknown> = {}): Promise<DashboardBody> {
  const response = await request(testApp.server)
    .post('/api/dashboards')
    .set(auth)
    .send({ name: `Dashboard ${++names}`, ...body });
  if (response.status !== 201) throw new Error(`create dashboard failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createWidget(
  testApp: TestApp,
  auth: Headers,
  dashboardId: string,
  body: Record<string, unknown> = {},
): Promise<WidgetBody> {
  const response = await request(testApp.server)
    .post(`/api/dashboards/${dashboardId}/widgets`)
    .set(auth)
    .send({ type: 'bar_chart', title: 'Sales by region', query: SALES_QUERY, position: { x: 0, y: 0, w: 6, h: 4 }, ...body });
  if (response.status !== 201) throw new Error(`create widget failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** The fields of each error of a 400 problem. */
export const errorFields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field);

/** A project of the caller's tenant (the projects API), for dashboards that belong to one. */
export async function createProject(testApp: TestApp, auth: Headers, name: string): Promise<{ id: string }> {
  const response = await request(testApp.server).post('/api/projects').set(auth).send({ name });
  if (response.status !== 201) throw new Error(`create project failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
