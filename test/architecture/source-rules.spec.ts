import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Rules of the source tree that the compiler cannot check: how SQL is written (issue 16: values are
 * always bound, through the platform's sql helper) and where each module touches the database.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SQL_HELPER = 'src/platform/database/sql/';

interface Source {
  path: string;
  text: string;
}

function sourcesUnder(folder: string): Source[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => {
      const path = relative(ROOT, join(ROOT, folder, file))
        .split(sep)
        .join('/');
      return { path, text: readFileSync(join(ROOT, path), 'utf8') };
    });
}

const SOURCES = sourcesUnder('src');
const MODULES = SOURCES.filter(({ path }) => path.startsWith('src/modules/'));

/** `file:line: text` of every line matching `pattern` in the given sources. */
function offending(sources: Source[], pattern: RegExp, except: (source: Source) => boolean = () => false): string[] {
  return sources
    .filter((source) => !except(source))
    .flatMap(({ path, text }) =>
      text.split('\n').flatMap((line, index) => (pattern.test(line) ? [`${path}:${index + 1}: ${line.trim()}`] : [])),
    );
}

/** Template literals that read as SQL and interpolate something, without the `sql` tag. */
function stringBuiltSql({ path, text }: Source): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(\bsql(?:<[^`]*?>)?)?`((?:[^`\\]|\\.)*)`/gs)) {
    const [, tag, body] = match;
    if (tag || !body.includes('${')) continue;
    if (/\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)/is.test(body)) {
      found.push(`${path}:${text.slice(0, match.index).split('\n').length}: ${body.split('\n')[0].trim().slice(0, 80)}`);
    }
  }
  return found;
}

describe('SQL is written only with bound values', () => {
  it("never imports MikroORM's raw or sql, which write values into the statement text", () => {
    expect(offending(SOURCES, /import\s*\{[^}]*\b(raw|sql)\b[^}]*\}\s*from\s*'@mikro-orm\//)).toEqual([]);
  });

  it('never runs SQL text through the ORM connection (em.execute), nor compiles text outside the helper', () => {
    expect(offending(SOURCES, /\bem\.execute\(|getConnection\(\)\.execute\(/)).toEqual([]);
    expect(offending(SOURCES, /CompiledQuery\.raw\(/, ({ path }) => path.startsWith(SQL_HELPER))).toEqual([]);
  });

  it('inserts raw SQL text (sql.raw, sql.lit) only as literal constants', () => {
    expect(offending(MODULES, /\bsql\.(raw|lit)\(\s*[^'"\s)]/)).toEqual([]);
  });

  it('never assembles SQL by interpolating into an untagged template', () => {
    expect(SOURCES.flatMap(stringBuiltSql)).toEqual([]);
  });

  it('tells a built statement from a bound one', () => {
    const sample = (text: string) => stringBuiltSql({ path: 'sample.ts', text });
    expect(sample('const q = `select * from tasks where id = ${id}`;')).toHaveLength(1);
    expect(sample('run(`update tasks set state = ${state}`)')).toHaveLength(1);
    expect(sample('const q = sql`select * from tasks where id = ${id}`;')).toEqual([]);
    expect(sample('const q = sql<{ id: string }>`delete from tasks where id = ${id}`;')).toEqual([]);
    expect(sample('throw new Error(`Delete data before writing more: ${limit}`);')).toEqual([]);
  });
});

describe('each module touches the database only through its repositories', () => {
  const isRepository = ({ path }: Source) => path.endsWith('.repository.ts');

  it('uses the EntityManager and Kysely only in repositories', () => {
    expect(offending(MODULES, /\bEntityManager\b|\.getKysely\(/, isRepository)).toEqual([]);
  });

  it("never imports another module's repositories or entities", () => {
    const crossing = MODULES.flatMap(({ path, text }) => {
      const own = path.split('/')[2];
      return [...text.matchAll(/from '((?:\.\.\/)+)([\w-]+)\/([\w./-]+)'/g)]
        .filter(([, up, module, file]) => up === '../' && module !== own && /\.(repository|entity)\.js$/.test(file))
        .map(([statement]) => `${path}: ${statement}`);
    });
    expect(crossing).toEqual([]);
  });

  it('keeps the platform free of business modules', () => {
    expect(
      offending(
        SOURCES.filter(({ path }) => path.startsWith('src/platform/')),
        /from '(\.\.\/)+modules\//,
      ),
    ).toEqual([]);
  });
});
