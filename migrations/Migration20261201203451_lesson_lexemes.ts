import { Migration } from '@mikro-orm/migrations';

const TENANT_MATCHES = `tenant_id = current_setting('app.tenant_id', true)`;

/**
 * Each tenant's lexeme dictionary, for the lessons' typo fallback: every word of the tenant's lesson
 * search vectors with the number of lessons holding it; the words most like a misspelled one are
 * found in the tenant's range of the primary key. No trigram index: under row-level security no
 * trigram operator (none is leakproof) can be an index condition, so it would serve only that range. The dictionary is derived data, like an index: kept exact by triggers on
 * lessons (a word leaves when its last lesson does), neither audited nor counted against the storage
 * quota (the lessons it comes from are). Existing lessons are counted here.
 */
export class Migration20261201203451_lesson_lexemes extends Migration {

  override name = 'Migration20261201203451_lesson_lexemes';

  override up(): void | Promise<void> {
    this.addSql(`create table "lesson_lexemes" ("tenant_id" text not null, "lexeme" text not null, "documents" int not null, primary key ("tenant_id", "lexeme"));`);
    this.addSql(`alter table "lesson_lexemes" enable row level security;`);
    this.addSql(`alter table "lesson_lexemes" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "lesson_lexemes" using (${TENANT_MATCHES}) with check (${TENANT_MATCHES});`);

    // Per statement, from its transition tables: a bulk write counts every word once, not once per row.
    // The lessons' words before (-1 each) and after (+1 each), netted per word, are applied in one
    // statement in key order: concurrent writers lock dictionary rows in the same order (they queue,
    // never deadlock), and a change that leaves the words alone (an application counted) writes nothing.
    // Only the words' source differs by event (a transition table exists only for its events), hence
    // the one dynamic statement; nothing in it comes from the data.
    this.addSql(`create function lesson_lexemes_count() returns trigger language plpgsql as $$
      declare
        words_before constant text := 'select o.tenant_id, w.lexeme, -1 from old_lessons o, unnest(tsvector_to_array(o.search_vector)) as w(lexeme)';
        words_after constant text := 'select n.tenant_id, w.lexeme, 1 from new_lessons n, unnest(tsvector_to_array(n.search_vector)) as w(lexeme)';
      begin
        execute format($statement$
          with changes (tenant_id, lexeme, delta) as (%s)
          insert into lesson_lexemes as l (tenant_id, lexeme, documents)
          select c.tenant_id, c.lexeme, sum(c.delta) from changes c
          group by c.tenant_id, c.lexeme having sum(c.delta) <> 0 order by c.tenant_id, c.lexeme
          on conflict (tenant_id, lexeme) do update set documents = l.documents + excluded.documents$statement$,
          case tg_op when 'INSERT' then words_after when 'DELETE' then words_before else words_before || ' union all ' || words_after end);
        if tg_op <> 'INSERT' then
          delete from lesson_lexemes l using old_lessons o, unnest(tsvector_to_array(o.search_vector)) as w(lexeme)
          where l.tenant_id = o.tenant_id and l.lexeme = w.lexeme and l.documents <= 0;
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "lesson_lexemes_insert" after insert on "lessons" referencing new table as new_lessons for each statement execute function lesson_lexemes_count();`);
    this.addSql(`create trigger "lesson_lexemes_update" after update on "lessons" referencing old table as old_lessons new table as new_lessons for each statement execute function lesson_lexemes_count();`);
    this.addSql(`create trigger "lesson_lexemes_delete" after delete on "lessons" referencing old table as old_lessons for each statement execute function lesson_lexemes_count();`);

    // Row-level security binds the owner too: lifted for this one read and write of every tenant's rows.
    this.addSql(`alter table "lessons" no force row level security;`);
    this.addSql(`alter table "lesson_lexemes" no force row level security;`);
    this.addSql(`insert into lesson_lexemes (tenant_id, lexeme, documents)
      select l.tenant_id, w.lexeme, count(*) from lessons l cross join lateral unnest(tsvector_to_array(l.search_vector)) as w(lexeme)
      group by l.tenant_id, w.lexeme;`);
    this.addSql(`alter table "lesson_lexemes" force row level security;`);
    this.addSql(`alter table "lessons" force row level security;`);
    this.addSql(`analyze "lesson_lexemes";`);
  }

  override down(): void | Promise<void> {
    for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger "lesson_lexemes_${event}" on "lessons";`);
    this.addSql(`drop function lesson_lexemes_count();`);
    this.addSql(`drop table "lesson_lexemes";`);
  }

}
