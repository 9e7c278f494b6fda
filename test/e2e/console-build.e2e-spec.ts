import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const BUILD_CONSOLE = resolve('scripts/build-console.mjs');

/** `npm run build:console` in a folder holding a copy of the console's sources. */
describe('the console bundle (part of npm run build and npm start)', () => {
  let root: string;
  const build = () => promisify(execFile)(process.execPath, [BUILD_CONSOLE], { cwd: root });
  const builtAt = async () => (await stat(join(root, 'dist/console/main.js'))).mtimeMs;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tessera-console-build-'));
    await cp(resolve('src/console'), join(root, 'src/console'), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is built where none is, skipped while its sources are unchanged, and rebuilt after an edit', async () => {
    await build();
    const first = await builtAt();
    expect(await readFile(join(root, 'dist/console/index.html'), 'utf8')).toContain('</html>');

    await build();
    expect(await builtAt()).toBe(first);

    const page = join(root, 'src/console/index.html');
    await writeFile(page, (await readFile(page, 'utf8')).replace('</body>', '<!-- edited --></body>'));
    await build();
    expect(await builtAt()).toBeGreaterThan(first);
    expect(await readFile(join(root, 'dist/console/index.html'), 'utf8')).toContain('<!-- edited -->');
  });

  it('is rebuilt when one of its outputs is gone', async () => {
    await build();
    await rm(join(root, 'dist/console/console.css'));
    await build();
    expect((await stat(join(root, 'dist/console/console.css'))).size).toBeGreaterThan(0);
  });
});
