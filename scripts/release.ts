/**
 * Cuts a release: `npm run release -- 1.2.0` checks that the tree is clean and on main, that
 * package.json, src/version.ts and CHANGELOG.md name the version, and that dist/ is the build
 * of src/; then tags `v1.2.0` and moves the major tag `v1` to it. It pushes nothing unless
 * given `--push`: the tags are checked locally first, as the actions people trust do.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { ACTION_VERSION } from '../src/version.js';

const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim();
/** `git status --porcelain` with its leading columns kept. */
const status = (...paths: string[]): string =>
  execFileSync('git', ['status', '--porcelain', '--', ...paths], { encoding: 'utf8' }).trimEnd();

function fail(why: string): never {
  console.error(`release: ${why}`);
  process.exit(1);
}

const [version, ...flags] = process.argv.slice(2);
if (!version || !/^\d+\.\d+\.\d+$/.test(version)) fail('usage: npm run release -- <major.minor.patch> [--push]');
const push = flags.includes('--push');
const tag = `v${version}`;
const major = `v${version.split('.')[0]}`;

const changes = status();
if (changes !== '') fail(`the working tree has uncommitted changes:\n${changes}`);
if (git('rev-parse', '--abbrev-ref', 'HEAD') !== 'main') fail('releases are cut from main');
if (git('tag', '--list', tag) !== '') fail(`${tag} exists already`);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
if (pkg.version !== version || ACTION_VERSION !== version) {
  fail(`package.json says ${pkg.version} and src/version.ts ${ACTION_VERSION}; set both to ${version} first`);
}
if (!new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(readFileSync('CHANGELOG.md', 'utf8'))) {
  fail(`CHANGELOG.md has no "## [${version}]" section; move the Unreleased entries under it`);
}
// webpack resolves symlinks: a linked node_modules puts other paths, and so other chunk names, in dist/.
if (lstatSync('node_modules', { throwIfNoEntry: false })?.isSymbolicLink()) {
  fail('node_modules is a symbolic link, so the build would not match dist/; run npm ci in this clone first');
}
try {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
} catch {
  fail('npm run build failed (dist/ may be left half-built: git checkout -- dist && git clean -fd dist)');
}
const stale = status('dist');
if (stale !== '') fail(`dist/ is not the build of src/; the rebuilt dist/ is in the tree, commit it first:\n${stale}`);

git('tag', '-a', tag, '-m', `${tag}`);
git('tag', '-f', '-a', major, '-m', `${major} -> ${tag}`);
console.log(`Tagged ${tag} and moved ${major} to it (${git('rev-parse', '--short', 'HEAD')}).`);
if (push) {
  git('push', 'origin', tag);
  git('push', '--force', 'origin', major);
  console.log(`Pushed ${tag} and ${major}.`);
} else {
  console.log(`Push with: git push origin ${tag} && git push --force origin ${major}`);
}
