import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const user = bearer(tokenFor({ tenant: 'traced', sub: 'ursula' }));
const admin = bearer(tokenFor({ tenant: 'traced', sub: 'ada', roles: ['admin'] }));

describe('request ids', () => {
  let database: TestDatabase;
  let testApp: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => testApp.close());
  afterAll(() => database.drop());

  const auditedRequestIds = async (filters: Record<string, string>) =>
    (await request(testApp.server).get('/api/audit-logs').query(filters).set(admin).expect(200)).body.items.map(
      (entry: { requestId: string }) => entry.requestId,
    );

  it('are the server’s own for a caller that is not a trusted proxy, in the response, problems and the audit trail', async () => {
    testApp = await startTestApp({}, database);
    const created = await request(testApp.server)
      .post('/api/tasks')
      .set(user)
      .set('X-Request-Id', 'forged-1')
      .send({ prompt: 'Trace me' })
      .expect(201);
    const refused = await request(testApp.server).get('/api/audit-logs').set(user).set('X-Request-Id', 'forged-2').expect(403);

    expect(created.headers['x-request-id']).toMatch(UUID);
    expect(refused.headers['x-request-id']).toMatch(UUID);
    expect(refused.body.requestId).toBe(refused.headers['x-request-id']);
    expect(await auditedRequestIds({ resourceId: created.body.id })).toEqual([created.headers['x-request-id']]);
    expect(await auditedRequestIds({ action: 'access.denied' })).toEqual([refused.headers['x-request-id']]);
    expect(await auditedRequestIds({ requestId: 'forged-1' })).toEqual([]);
  });

  it('keep the id a trusted proxy forwards', async () => {
    testApp = await startTestApp({ TRUST_PROXY: '127.0.0.1' }, database);
    const created = await request(testApp.server)
      .post('/api/tasks')
      .set(user)
      .set('X-Request-Id', 'edge-42')
      .send({ prompt: 'Traced at the edge' })
      .expect(201);
    expect(created.headers['x-request-id']).toBe('edge-42');
    expect(await auditedRequestIds({ resourceId: created.body.id })).toEqual(['edge-42']);
  });
});
