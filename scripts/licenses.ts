/**
 * Writes dist/licenses.txt: the name, version, license and license text of every package the
 * bundle contains, read from the source maps. (ncc's own --license output lists only the
 * packages whose license webpack's plugin happens to find, which here was one of thirty.)
 * Run by `npm run build`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

const packageDirs = new Set<string>();
for (const map of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js.map'))) {
  const { sources } = JSON.parse(readFileSync(join(dist, map), 'utf8')) as { sources: string[] };
  for (const source of sources) {
    // A source is relative to its map, and names the package where the bundler found it: through a
    // symlinked node_modules (a worktree sharing another's) that is the link's target, not root/node_modules.
    const path = resolve(dist, dirname(map), source);
    // The innermost node_modules/<package> of a path such as /x/node_modules/a/node_modules/@b/c/lib/x.js
    const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (match?.[1]) packageDirs.add(match[1]);
  }
}

const entries = [...packageDirs].map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
  return {
    id: `${pkg.name}@${pkg.version}`,
    text: `${pkg.name} ${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${licenseText(dir, pkg.name)}\n`,
  };
});
const unique = new Map(entries.map((entry) => [entry.id, entry.text]));
const text = [...unique.keys()]
  .sort()
  .map((id) => unique.get(id))
  .join('\n');
writeFileSync(join(dist, 'licenses.txt'), text);

/** The package's license file or, for the few that ship none, the License section of its README. */
function licenseText(dir: string, name: string): string {
  const files = readdirSync(dir);
  const license = files.find((file) => /^licen[cs]e/i.test(file));
  if (license) return readFileSync(join(dir, license), 'utf8').trim();
  const readme = files.find((file) => /^readme/i.test(file));
  const section =
    readme && /^(?:#+[ \t]*)?licen[cs]e[ \t]*\n(?:[-=]+[ \t]*\n)?([\s\S]*)/im.exec(readFileSync(join(dir, readme), 'utf8'))?.[1];
  if (!section?.trim()) throw new Error(`${name} ships no license text; add it to scripts/licenses.ts by hand`);
  return section.trim();
}
