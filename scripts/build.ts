/**
 * `npm run build`: dist/ as the runner loads it. One ncc bundle holds both steps (dist/action.js,
 * and the chunks webpack splits off for what only some steps load); two small entries, each
 * built from its src/ file with the bundle left as an import, run one step each, so action.yml
 * names a post entry that cannot run main's work without a second copy of the code. The YAML
 * parser is a bundle of its own because ncc minifies entries but never chunks. Then
 * scripts/licenses.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

interface Build {
  entry: string;
  /** The output's path under dist/; lazy chunks go beside it. */
  file: string;
  /** Imports left as they are, by what they become in the output (a path relative to it). */
  externals?: Record<string, string>;
}

const BUILDS: Build[] = [
  { entry: 'src/inputs/yaml.ts', file: 'yaml.js' },
  { entry: 'src/action.ts', file: 'action.js' },
  { entry: 'src/index.ts', file: 'index.js', externals: { './action.js': './action.js' } },
  { entry: 'src/post-index.ts', file: 'post/index.js', externals: { './action.js': '../action.js' } },
];

rmSync(dist, { recursive: true, force: true });
for (const { entry, file, externals = {} } of BUILDS) {
  const dir = join(dist, dirname(file));
  const filename = file.slice(file.lastIndexOf('/') + 1);
  const { code, map, assets } = await ncc(join(root, entry), {
    filename,
    externals,
    minify: true,
    sourceMap: true,
    sourceMapRegister: false,
    // The map's sources relative to the output, wherever under dist/ it lies.
    sourceMapBasePrefix: '../'.repeat(file.split('/').length),
    quiet: true,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, filename), code);
  if (map) writeFileSync(join(dir, `${filename}.map`), map);
  for (const [name, asset] of Object.entries(assets)) writeFileSync(join(dir, name), asset.source);
}
