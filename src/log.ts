import * as core from '@actions/core';

/**
 * Logs a line that may carry text from the API (names, descriptions). The runner reads any line
 * that starts with `::` as a workflow command, so a line break in such text could smuggle one in
 * (`::add-mask::`, `::set-output`); it is folded into the line instead. (`core.warning` and
 * `core.setFailed` escape their text themselves.)
 */
export function info(line: string): void {
  core.info(line.replace(/[\r\n]+/g, ' '));
}
