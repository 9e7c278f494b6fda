import { Migration } from '@mikro-orm/migrations';

const TENANT_MATCHES = `tenant_id = current_setting('app.tenant_id', true)`;
/**
 * Longer dictionary words get no trigrams (and are never offered as corrections): a word of n letters
 * has about n trigrams, each a row that repeats the word, so a 2,047-letter lexeme (PostgreSQL's
 * longest) would cost ~4 MB. No real word is this long; such lexemes are hashes, URLs and paths.
 */
const MAX_INDEXED_LEXEME_LENGTH = 32;

/**
 * The trigrams of each tenant's dictionary words, for the lessons' typo fallback: under row-level
 * security no pg_trgm operator can be an index condition (none is leakproof), but text equality can,
 * so the fallback finds the words sharing trigrams with a misspelled one by `tenant_id = … and
 * trigram = any(show_trgm(…))` on the primary key, and computes pg_trgm's similarity for those few
 * only. Derived data like the dictionary it comes from: kept exact by triggers on `lesson_lexemes`
 * (a word's trigrams come and go with the word), neither audited nor counted against the storage quota.
 * Bounded: at most ~33 rows per dictionary word of at most 32 letters, and the dictionary holds the
 * distinct words of the tenant's lessons, which the storage quota bounds. Existing words are indexed here.
 *
 * Also drops the lessons' `search_text` column and its trigram index: the old trigram fallback was
 * their only reader, and every lesson write still kept them. `down` restores both (the column is
 * generated, so its data comes back with it).
 */
export class Migration20261201230000_lesson_lexeme_trigrams extends Migration {

  override name = 'Migration20261201230000_lesson_lexeme_trigrams';

  override up(): void | Promise<void> {
    this.addSql(`create table "lesson_lexeme_trigrams" ("tenant_id" text not null, "trigram" text not null, "lexeme" text not null, primary key ("tenant_id", "trigram", "lexeme"));`);
    this.addSql(`alter table "lesson_lexeme_trigrams" enable row level security;`);
    this.addSql(`alter table "lesson_lexeme_trigrams" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "lesson_lexeme_trigrams" using (${TENANT_MATCHES}) with check (${TENANT_MATCHES});`);

    // Per statement, from the dictionary's transition tables: a word only ever enters (its first
    // lesson) or leaves (its last); a changed count leaves its trigrams alone. Rows in key order, so
    // concurrent writers lock them in the same order.
    this.addSql(`create function lesson_lexeme_trigrams_keep() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into lesson_lexeme_trigrams (tenant_id, trigram, lexeme)
          select n.tenant_id, t.trigram, n.lexeme from new_lexemes n, unnest(show_trgm(n.lexeme)) as t(trigram)
          where length(n.lexeme) <= ${MAX_INDEXED_LEXEME_LENGTH}
          order by 1, 2, 3;
        else
          delete from lesson_lexeme_trigrams x using old_lexemes o, unnest(show_trgm(o.lexeme)) as t(trigram)
          where x.tenant_id = o.tenant_id and x.trigram = t.trigram and x.lexeme = o.lexeme;
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "lesson_lexeme_trigrams_insert" after insert on "lesson_lexemes" referencing new table as new_lexemes for each statement execute function lesson_lexeme_trigrams_keep();`);
    this.addSql(`create trigger "lesson_lexeme_trigrams_delete" after delete on "lesson_lexemes" referencing old table as old_lexemes for each statement execute function lesson_lexeme_trigrams_keep();`);

    // Row-level security binds the owner too: lifted for this one read and write of every tenant's rows.
    this.addSql(`alter table "lesson_lexemes" no force row level security;`);
    this.addSql(`alter table "lesson_lexeme_trigrams" no force row level security;`);
    this.addSql(`insert into lesson_lexeme_trigrams (tenant_id, trigram, lexeme)
      select l.tenant_id, t.trigram, l.lexeme from lesson_lexemes l, unnest(show_trgm(l.lexeme)) as t(trigram)
      where length(l.lexeme) <= ${MAX_INDEXED_LEXEME_LENGTH};`);
    this.addSql(`alter table "lesson_lexeme_trigrams" force row level security;`);
    this.addSql(`alter table "lesson_lexemes" force row level security;`);
    this.addSql(`analyze "lesson_lexeme_trigrams";`);

    this.addSql(`alter table "lessons" drop column "search_text";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "lessons" add column "search_text" text generated always as (title || ' ' || summary) stored;`);
    this.addSql(`create index "lessons_tenant_search_trgm_idx" on "lessons" using gin ("tenant_id", "search_text" gin_trgm_ops);`);

    for (const event of ['insert', 'delete']) this.addSql(`drop trigger "lesson_lexeme_trigrams_${event}" on "lesson_lexemes";`);
    this.addSql(`drop function lesson_lexeme_trigrams_keep();`);
    this.addSql(`drop table "lesson_lexeme_trigrams";`);
  }

}
