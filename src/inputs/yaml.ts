/**
 * The YAML parser, which only a `body` that is not JSON needs. The build makes it a bundle of its
 * own, dist/yaml.js, beside dist/action.js: ncc minifies an entry but not the chunks webpack
 * splits off, and the parser is a third of the action's code. body.ts imports it as `./yaml.js`,
 * a path that names this file in src/ and that bundle in dist/.
 */
export { parse } from 'yaml';
