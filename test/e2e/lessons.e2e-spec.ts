import request from 'supertest';
import { createTask } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('lessons', () => {
  let testApp: TestApp;
  const auth = bearer(tokenFor({ tenant: 'kb', sub: 'kim' }));
  const admin = bearer(tokenFor({ tenant: 'kb', sub: 'ada', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const create = async (body: Record<string, unknown>, as = auth) => {
    const response = await api()
      .post('/api/lessons')
      .set(as)
      .send({ category: 'testing', summary: 'a summary', ...body });
    if (response.status !== 201) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string } & Record<string, unknown>;
  };

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('CRUD', () => {
    it('creates, reads, updates and deletes a lesson', async () => {
      const task = await createTask(testApp, auth);
      const created = await api()
        .post('/api/lessons')
        .set(auth)
        .send({
          category: 'payments',
          title: 'Mocks hide timeouts',
          summary: 'Mocking the gateway hid a timeout bug.',
          details: 'Use a sandbox.',
          tags: [' Mocking ', 'PAYMENTS', 'mocking', 'Slow Tests'],
          sourceAgent: 'tester',
          taskId: task.id,
        })
        .expect(201);
      expect(created.headers.location).toBe(`/api/lessons/${created.body.id}`);
      expect(created.body).toMatchObject({
        tags: ['mocking', 'payments', 'slow-tests'],
        confidence: 0.5,
        applicationCount: 0,
        successRate: null,
        humanValidated: false,
        taskId: task.id,
      });
      const updated = await api()
        .patch(`/api/lessons/${created.body.id}`)
        .set(auth)
        .send({ confidence: 0.9, tags: ['gateway'] })
        .expect(200);
      expect(updated.body).toMatchObject({ confidence: 0.9, tags: ['gateway'], title: 'Mocks hide timeouts' });
      await api().delete(`/api/lessons/${created.body.id}`).set(auth).expect(204);
      await api().get(`/api/lessons/${created.body.id}`).set(auth).expect(404);
      await api().delete(`/api/lessons/${created.body.id}`).set(auth).expect(404);
    });

    it.each([
      ['a missing summary', { title: 't', summary: undefined }, 'summary'],
      ['a long category', { title: 't', category: 'c'.repeat(51) }, 'category'],
      ['a long title', { title: 't'.repeat(256) }, 'title'],
      ['21 tags', { title: 't', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
      ['a confidence above 1', { title: 't', confidence: 1.5 }, 'confidence'],
      ['an unknown agent', { title: 't', sourceAgent: 'wizard' }, 'sourceAgent'],
      ['counters', { title: 't', applicationCount: 5 }, 'applicationCount'],
      ['a validation flag', { title: 't', humanValidated: true }, 'humanValidated'],
    ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
      const response = await api()
        .post('/api/lessons')
        .set(auth)
        .send({ category: 'c', summary: 's', ...body })
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it.each(['title', 'tags', 'confidence', 'category'])('refuses %s: null in a PATCH, and accepts clearing details', async (field) => {
      const lesson = await create({ title: 'nullable?', details: 'some details' });
      const refused = await api()
        .patch(`/api/lessons/${lesson.id}`)
        .set(auth)
        .send({ [field]: null })
        .expect(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
      expect((await api().patch(`/api/lessons/${lesson.id}`).set(auth).send({ details: null }).expect(200)).body.details).toBeNull();
    });

    it('refuses a null confidence, a boolean one, and blank text on create', async () => {
      await api().post('/api/lessons').set(auth).send({ category: 'c', title: 't', summary: 's', confidence: null }).expect(400);
      await api().post('/api/lessons').set(auth).send({ category: 'c', title: 't', summary: 's', confidence: true }).expect(400);
      await api().post('/api/lessons').set(auth).send({ category: 'c', title: '   ', summary: 's' }).expect(400);
    });

    it('refuses counters and validation in a PATCH', async () => {
      const lesson = await create({ title: 'patch me' });
      await api().patch(`/api/lessons/${lesson.id}`).set(auth).send({ applicationCount: 9 }).expect(400);
      await api().patch(`/api/lessons/${lesson.id}`).set(auth).send({ successRate: 1 }).expect(400);
    });

    it('refuses another tenant’s task as taskId, and an unknown one, on create and on change', async () => {
      const foreign = await createTask(testApp, bearer(tokenFor({ tenant: 'other-kb', sub: 'x' })));
      const response = await api()
        .post('/api/lessons')
        .set(auth)
        .send({ category: 'c', title: 't', summary: 's', taskId: foreign.id })
        .expect(400);
      expect(response.body.errors).toEqual([{ field: 'taskId', messages: ['unknown task'] }]);
      await api()
        .post('/api/lessons')
        .set(auth)
        .send({ category: 'c', title: 't', summary: 's', taskId: '0190a5a0-0000-7000-8000-000000000000' })
        .expect(400);
      const lesson = await create({ title: 'keeps its task' });
      const patched = await api().patch(`/api/lessons/${lesson.id}`).set(auth).send({ taskId: foreign.id }).expect(400);
      expect(patched.body.errors).toEqual([{ field: 'taskId', messages: ['unknown task'] }]);
    });
  });

  describe('applications', () => {
    it('moves successRate 1 → 0.8 → 0.84 for outcomes true, false, true', async () => {
      const lesson = await create({ title: 'rates' });
      const rates: (number | null)[] = [];
      for (const success of [true, false, true]) {
        rates.push((await api().post(`/api/lessons/${lesson.id}/applications`).set(auth).send({ success }).expect(200)).body.successRate);
      }
      expect(rates[0]).toBe(1);
      expect(rates[1]).toBeCloseTo(0.8, 10);
      expect(rates[2]).toBeCloseTo(0.84, 10);
      const neutral = await api().post(`/api/lessons/${lesson.id}/applications`).set(auth).send({}).expect(200);
      expect(neutral.body).toMatchObject({ applicationCount: 4 });
      expect(neutral.body.successRate).toBeCloseTo(0.84, 10);
    });

    // Beyond its share of the pool a tenant's requests are shed (429): each one acknowledged must count.
    const acknowledged = (responses: { status: number }[]) => {
      expect(responses.filter((response) => ![200, 429].includes(response.status))).toEqual([]);
      return responses.filter((response) => response.status === 200).length;
    };

    it('counts concurrent applications exactly', async () => {
      const lesson = await create({ title: 'popular' });
      const counted = acknowledged(
        await Promise.all(Array.from({ length: 200 }, () => api().post(`/api/lessons/${lesson.id}/applications`).set(auth).send({}))),
      );
      expect(counted).toBeGreaterThan(1);
      expect((await api().get(`/api/lessons/${lesson.id}`).set(auth)).body.applicationCount).toBe(counted);
    });

    it('loses no success outcome under concurrency', async () => {
      const lesson = await create({ title: 'decaying' });
      await api().post(`/api/lessons/${lesson.id}/applications`).set(auth).send({ success: true }).expect(200);
      const failures = acknowledged(
        await Promise.all(
          Array.from({ length: 50 }, () => api().post(`/api/lessons/${lesson.id}/applications`).set(auth).send({ success: false })),
        ),
      );
      const read = (await api().get(`/api/lessons/${lesson.id}`).set(auth)).body;
      expect(read.applicationCount).toBe(1 + failures);
      expect(read.successRate / 0.8 ** failures).toBeCloseTo(1, 10);
    });
  });

  describe('validation', () => {
    const validated = async (body: Record<string, unknown>) => {
      const lesson = await create(body);
      await api().put(`/api/lessons/${lesson.id}/validation`).set(admin).expect(200);
      return lesson;
    };

    it('is set and cleared by admins only; others get 403', async () => {
      const lesson = await create({ title: 'validate me' });
      await api().put(`/api/lessons/${lesson.id}/validation`).set(auth).expect(403);
      expect((await api().put(`/api/lessons/${lesson.id}/validation`).set(admin).expect(200)).body.humanValidated).toBe(true);
      expect((await api().delete(`/api/lessons/${lesson.id}/validation`).set(admin).expect(200)).body.humanValidated).toBe(false);
    });

    it.each([
      ['title', 'A better title', auth],
      ['summary', 'A better summary', auth],
      ['details', 'Other details', auth],
      ['details', null, auth],
      ['category', 'elsewhere', auth],
      ['tags', ['other'], auth],
      ['confidence', 0.95, auth],
      ['title', 'Even an admin’s edit', admin],
    ])('is withdrawn when %s changes (to %j)', async (field, value, as) => {
      const lesson = await validated({ title: 'vouched for', details: 'some details', tags: ['kept'], confidence: 0.6 });
      const changed = await api()
        .patch(`/api/lessons/${lesson.id}`)
        .set(as)
        .send({ [field]: value })
        .expect(200);
      expect(changed.body).toMatchObject({ [field]: value, humanValidated: false });
      expect((await api().get(`/api/lessons/${lesson.id}`).set(auth)).body.humanValidated).toBe(false);
    });

    it('is kept when nothing it vouches for changes: the same values again, the source agent, the task', async () => {
      const task = await createTask(testApp, auth);
      const lesson = await validated({ title: 'still vouched for', tags: ['a', 'b'], confidence: 0.7 });
      const same = await api()
        .patch(`/api/lessons/${lesson.id}`)
        .set(auth)
        .send({ title: 'still vouched for', tags: ['A', ' b '], confidence: 0.7 })
        .expect(200);
      expect(same.body.humanValidated).toBe(true);
      const moved = await api().patch(`/api/lessons/${lesson.id}`).set(auth).send({ sourceAgent: 'tester', taskId: task.id }).expect(200);
      expect(moved.body).toMatchObject({ sourceAgent: 'tester', taskId: task.id, humanValidated: true });
    });

    it('leaves the edit and the withdrawal in the audit trail as two entries of the editing request', async () => {
      const lesson = await validated({ title: 'audited' });
      const edit = await api().patch(`/api/lessons/${lesson.id}`).set(auth).send({ title: 'edited' }).expect(200);
      const trail = await api().get('/api/audit-logs').query({ requestId: edit.headers['x-request-id'] }).set(admin).expect(200);
      const entries = (trail.body.items as { action: string; actorId: string; resourceId: string; details: { changes: unknown } }[])
        .map(({ action, actorId, resourceId, details }) => ({ action, actorId, resourceId, changes: details.changes }))
        .sort((a, b) => a.action.localeCompare(b.action));
      expect(entries).toEqual([
        { action: 'lesson.update', actorId: 'kim', resourceId: lesson.id, changes: { title: { before: 'audited', after: 'edited' } } },
        { action: 'lesson.validate', actorId: 'kim', resourceId: lesson.id, changes: { humanValidated: { before: true, after: false } } },
      ]);
    });
  });

  describe('tags', () => {
    const tagger = bearer(tokenFor({ tenant: 'tag-co', sub: 'tia' }));
    const ids: Record<string, string> = {};
    const list = async (query: string) =>
      ((await api().get(`/api/lessons?${query}`).set(tagger).expect(200)).body.items as { id: string }[])
        .map((lesson) => Object.entries(ids).find(([, id]) => id === lesson.id)?.[0])
        .sort();

    beforeAll(async () => {
      const make = async (name: string, tags: string[]) => (ids[name] = (await create({ title: name, tags }, tagger)).id);
      await make('null', ['null']);
      await make('x', [' x ']);
      await make('comma', ['a,b']);
      await make('a and b', ['a', 'b']);
      await make('brace', ['{"}']);
      await make('backslash', ['\\']);
      await make('untagged', []);
    });

    it('stores them as given once normalised: "null" is text, never SQL NULL; quotes, commas and braces are kept', async () => {
      const tags = ['null', ' x ', 'a,b', '{"}', 'x\\"y', '{}'];
      const expected = ['null', 'x', 'a,b', '{"}', 'x\\"y', '{}'];
      const lesson = await create({ title: 'tricky tags', tags }, tagger);
      expect(lesson.tags).toEqual(expected);
      expect((await api().get(`/api/lessons/${lesson.id}`).set(tagger).expect(200)).body.tags).toEqual(expected);
      const stored = await withAdminClient(
        async (superuser) =>
          (
            await superuser.query('select tags = $2::text[] as exact, array_position(tags, null) as null_at from lessons where id = $1', [
              lesson.id,
              expected,
            ])
          ).rows[0],
        testApp.database.name,
      );
      expect(stored).toEqual({ exact: true, null_at: null });
      const patched = await api()
        .patch(`/api/lessons/${lesson.id}`)
        .set(tagger)
        .send({ tags: ['{"}', 'NULL', ' y '] })
        .expect(200);
      expect(patched.body.tags).toEqual(['{"}', 'null', 'y']);
      await api().delete(`/api/lessons/${lesson.id}`).set(tagger).expect(204);
    });

    it('matches them literally, in any and all modes', async () => {
      expect(await list('tags=null')).toEqual(['null']);
      expect(await list('tags=null&tagsMode=all')).toEqual(['null']);
      expect(await list(`tags=${encodeURIComponent(' x ')}`)).toEqual(['x']);
      expect(await list(`tags=${encodeURIComponent('{"}')}`)).toEqual(['brace']);
      expect(await list(`tags=${encodeURIComponent('\\')}`)).toEqual(['backslash']);
      expect(await list(`tags=${encodeURIComponent('{}')}`)).toEqual([]);
    });

    it('splits one tags parameter at commas, and takes each of repeated ones whole', async () => {
      expect(await list('tags=a,b')).toEqual(['a and b']);
      expect(await list('tags=a,b&tagsMode=all')).toEqual(['a and b']);
      expect(await list('tags=a,b&tags=zzz')).toEqual(['comma']);
      expect(await list('tags=a,b&tags=a&tagsMode=all')).toEqual([]);
    });
  });

  describe('search and filters', () => {
    const searcher = bearer(tokenFor({ tenant: 'search-co', sub: 'sam' }));
    const ids: Record<string, string> = {};
    const list = async (query: string) =>
      ((await api().get(`/api/lessons?${query}`).set(searcher).expect(200)).body.items as { id: string }[]).map(
        (lesson) => Object.entries(ids).find(([, id]) => id === lesson.id)?.[0],
      );

    beforeAll(async () => {
      const make = async (name: string, body: Record<string, unknown>) => (ids[name] = (await create(body, searcher)).id);
      await make('titleMatch', {
        title: 'Timeout in the payment gateway',
        summary: 'Retries need a budget.',
        tags: ['payments', 'resilience'],
        confidence: 0.6,
        sourceAgent: 'backend_dev',
      });
      await make('detailsMatch', {
        title: 'Flaky checkout tests',
        summary: 'Tests depended on wall time.',
        details: 'A timeout hid here too.',
        tags: ['testing'],
        confidence: 0.9,
        sourceAgent: 'tester',
      });
      await make('migrations', {
        category: 'review',
        title: 'Reviewer wants down migrations',
        summary: 'PRs without migration down-steps are rejected.',
        tags: ['review', 'migrations'],
        confidence: 0.3,
      });
      await make('phrase', {
        title: 'Mocking hid a bug',
        summary: 'Mocking the payment gateway hid a timeout bug.',
        tags: ['payments', 'mocking'],
        confidence: 0.8,
      });
      await api().post(`/api/lessons/${ids.migrations}/applications`).set(searcher).send({}).expect(200);
      await api().post(`/api/lessons/${ids.migrations}/applications`).set(searcher).send({}).expect(200);
      await api().post(`/api/lessons/${ids.phrase}/applications`).set(searcher).send({}).expect(200);
      await api()
        .put(`/api/lessons/${ids.phrase}/validation`)
        .set(bearer(tokenFor({ tenant: 'search-co', sub: 'boss', roles: ['admin'] })))
        .expect(200);
    });

    it('ranks a title match above a details match, however often the details repeat the word', async () => {
      const repeated = (await create({ title: 'Unrelated heading', summary: 'Nothing here.', details: 'deadlock '.repeat(6) }, searcher))
        .id;
      const titled = (await create({ title: 'Deadlock in the worker pool', summary: 'Lock order.' }, searcher)).id;
      const found = ((await api().get('/api/lessons?q=deadlock').set(searcher).expect(200)).body.items as { id: string }[]).map(
        (lesson) => lesson.id,
      );
      expect(found.indexOf(titled)).toBeLessThan(found.indexOf(repeated));
      await api().delete(`/api/lessons/${repeated}`).set(searcher).expect(204);
      await api().delete(`/api/lessons/${titled}`).set(searcher).expect(204);
    });

    it('ranks a title match above a details match', async () => {
      const found = await list('q=timeout');
      expect(found.indexOf('titleMatch')).toBeLessThan(found.indexOf('detailsMatch'));
      expect(found).toEqual(expect.arrayContaining(['titleMatch', 'detailsMatch', 'phrase']));
      expect(found).not.toContain('migrations');
    });

    it('understands quoted phrases and exclusions', async () => {
      expect(await list('q="payment gateway hid"')).toEqual(['phrase']);
      expect((await list('q=timeout -gateway')).sort()).toEqual(['detailsMatch']);
    });

    it('still finds a lesson when a word is misspelled, keeping the exclusions', async () => {
      expect(await list('q=reviewr')).toEqual(['migrations']);
      expect(await list('q=migratoins')).toContain('migrations');
      expect(await list('q=reviewr -migration')).toEqual([]);
    });

    it('finds nothing, quietly, for a query of operators or stop words', async () => {
      expect(await list(`q=${encodeURIComponent('- '.repeat(40))}`)).toEqual([]);
      const notTimeout = await list(`q=${encodeURIComponent(`${'-'.repeat(40)}timeout`)}`);
      expect(notTimeout).toContain('migrations');
      expect(notTimeout).not.toContain('titleMatch');
      expect(await list('q=a')).toEqual([]);
    });

    it('treats ? and quotes in the search text and tags as text, never as SQL', async () => {
      expect(await list('q=%3F')).toEqual([]);
      expect(await list(`q=${encodeURIComponent('timeout?')}`)).toContain('titleMatch');
      expect(await list(`q=${encodeURIComponent('reviewr?')}`)).toEqual(['migrations']);
      expect(await list('tags=%3F')).toEqual([]);
      expect(await list(`q=${encodeURIComponent("it's a ? test \\ $$ ''")}`)).toEqual(['detailsMatch']);
      const payload = '/*&q=?*/)) and false union all select x.id from (select set_config($$app.tenant_id$$,$$kb$$,true)) s, lessons x --';
      const response = await api()
        .get(`/api/lessons?sort=recent&q=${encodeURIComponent(payload)}`)
        .set(searcher);
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([]);
    });

    it('filters by category, tags (any or all), agent, validation and confidence', async () => {
      expect(await list('category=review')).toEqual(['migrations']);
      expect((await list('tags=payments')).sort()).toEqual(['phrase', 'titleMatch']);
      expect((await list('tags=mocking,testing')).sort()).toEqual(['detailsMatch', 'phrase']);
      expect(await list('tags=payments,mocking&tagsMode=all')).toEqual(['phrase']);
      expect(await list('tags=PAYMENTS,Mocking&tagsMode=all')).toEqual(['phrase']);
      expect(await list('sourceAgent=tester')).toEqual(['detailsMatch']);
      expect(await list('humanValidated=true')).toEqual(['phrase']);
      expect((await list('minConfidence=0.8')).sort()).toEqual(['detailsMatch', 'phrase']);
    });

    it('sorts by confidence, applications and recency, and pages each', async () => {
      expect(await list('sort=confidence')).toEqual(['detailsMatch', 'phrase', 'titleMatch', 'migrations']);
      expect((await list('sort=applications')).slice(0, 2)).toEqual(['migrations', 'phrase']);
      expect(await list('sort=recent')).toEqual(['phrase', 'migrations', 'detailsMatch', 'titleMatch']);
      for (const sort of ['confidence', 'applications', 'recent']) {
        const first = (await api().get(`/api/lessons?sort=${sort}&limit=3`).set(searcher).expect(200)).body;
        const second = (await api().get(`/api/lessons?sort=${sort}&limit=3&cursor=${first.nextCursor}`).set(searcher).expect(200)).body;
        expect([...first.items, ...second.items].map((lesson: { id: string }) => lesson.id)).toEqual(
          (await api().get(`/api/lessons?sort=${sort}`).set(searcher)).body.items.map((lesson: { id: string }) => lesson.id),
        );
        expect(second.nextCursor).toBeNull();
      }
    });

    it('pages relevance results, and refuses a cursor of another sort', async () => {
      const first = (await api().get('/api/lessons?q=timeout&limit=1').set(searcher).expect(200)).body;
      const rest = (await api().get(`/api/lessons?q=timeout&limit=5&cursor=${first.nextCursor}`).set(searcher).expect(200)).body;
      expect([...first.items, ...rest.items]).toHaveLength(3);
      await api().get(`/api/lessons?sort=confidence&cursor=${first.nextCursor}`).set(searcher).expect(400);
    });

    it('never returns another tenant’s lessons, even for a matching search', async () => {
      const stranger = bearer(tokenFor({ tenant: 'stranger-co', sub: 'sue' }));
      expect((await api().get('/api/lessons?q=timeout').set(stranger).expect(200)).body.items).toEqual([]);
      expect((await api().get('/api/lessons?q=reviewr').set(stranger).expect(200)).body.items).toEqual([]);
    });

    describe('count', () => {
      const count = async (query: string, as = searcher) =>
        (await api().get(`/api/lessons/count?${query}`).set(as).expect(200)).body as { count: number };

      it('counts what the list with the same filters holds, exactly', async () => {
        expect(await count('')).toEqual({ count: 4 });
        for (const filters of [
          'category=review',
          'tags=payments',
          'tags=mocking,testing',
          'tags=payments,mocking&tagsMode=all',
          'sourceAgent=tester',
          'humanValidated=true',
          'humanValidated=false',
          'minConfidence=0.8',
          'tags=payments&minConfidence=0.7',
        ]) {
          expect({ filters, ...(await count(filters)) }).toEqual({ filters, count: (await list(filters)).length });
        }
        expect(await count('category=nothing-here')).toEqual({ count: 0 });
      });

      it('with q, counts the ranked search’s matches, or the typo fallback’s when it finds none', async () => {
        expect(await count('q=timeout')).toEqual({ count: 3 });
        expect(await count('q=timeout&minConfidence=0.7')).toEqual({ count: 2 });
        expect(await count('q=timeout -gateway')).toEqual({ count: 1 });
        expect(await count(`q=${encodeURIComponent('"payment gateway hid"')}`)).toEqual({ count: 1 });
        // Misspelled: what the list falls back to, exclusions and filters kept.
        expect(await count('q=reviewr')).toEqual({ count: (await list('q=reviewr')).length });
        expect(await count('q=reviewr')).toEqual({ count: 1 });
        expect(await count('q=reviewr -migration')).toEqual({ count: 0 });
        expect(await count('q=reviewr&category=testing')).toEqual({ count: 0 });
        // Nothing to search for, or too little to fall back on: nothing listed, nothing counted.
        expect(await count(`q=${encodeURIComponent('- '.repeat(40))}`)).toEqual({ count: 0 });
        expect(await count('q=a')).toEqual({ count: 0 });
        expect(await count(`q=${encodeURIComponent("it's a ? test \\ $$ ''")}`)).toEqual({ count: 1 });
      });

      it('never counts another tenant’s lessons', async () => {
        const stranger = bearer(tokenFor({ tenant: 'count-stranger', sub: 'sue' }));
        expect(await count('', stranger)).toEqual({ count: 0 });
        expect(await count('q=timeout', stranger)).toEqual({ count: 0 });
        expect(await count('q=reviewr', stranger)).toEqual({ count: 0 });
        await create({ title: 'Timeout of the stranger', tags: ['payments'] }, stranger);
        expect(await count('q=timeout', stranger)).toEqual({ count: 1 });
        expect(await count('tags=payments', stranger)).toEqual({ count: 1 });
        expect(await count('q=timeout')).toEqual({ count: 3 });
        expect(await count('tags=payments')).toEqual({ count: 2 });
      });

      it('refuses paging and sorting parameters and bad filter values with a 400 naming them', async () => {
        for (const [query, field] of [
          ['limit=5', 'limit'],
          ['cursor=abc', 'cursor'],
          ['sort=recent', 'sort'],
          ['minConfidence=2', 'minConfidence'],
          ['tagsMode=some', 'tagsMode'],
          ['sourceAgent=wizard', 'sourceAgent'],
          ['humanValidated=maybe', 'humanValidated'],
          ['q=', 'q'],
        ]) {
          const response = await api().get(`/api/lessons/count?${query}`).set(searcher).expect(400);
          expect(JSON.stringify(response.body)).toContain(field);
        }
        await api().get('/api/lessons/count').expect(401);
      });
    });

    it('refuses bad filter values', async () => {
      await api().get('/api/lessons?sort=relevance').set(searcher).expect(400);
      await api().get('/api/lessons?minConfidence=2').set(searcher).expect(400);
      await api().get('/api/lessons?sort=popularity').set(searcher).expect(400);
      await api().get('/api/lessons?tagsMode=some').set(searcher).expect(400);
      await api().get('/api/lessons?humanValidated=maybe').set(searcher).expect(400);
    });
  });
});
