import { randomInt } from 'node:crypto';
// @actions/github's context alone: its exports map names only the whole package, which also
// loads Octokit (and, through it, undici) at start-up for nothing a key name needs.
import { Context } from '../../node_modules/@actions/github/lib/context.js';

const context = new Context();
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MAX_LENGTH = 64;

export function nonce(length = 8): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/**
 * `gha-<owner>-<repo>-<run id>-<attempt>-<nonce>`: traceable to the run that made it, and unique
 * to the step thanks to the nonce (matrix jobs share the run id and attempt). The owner/repo part
 * is cut first when the name would grow past 64 characters (the owner to 20 characters, so some
 * of the repository's name survives too), so the run and nonce always do.
 */
export function defaultKeyName(): string {
  const tail = `-${context.runId || 0}-${context.runAttempt || 1}-${nonce()}`;
  const slug = repositorySlug()
    .slice(0, MAX_LENGTH - 'gha-'.length - tail.length)
    .replace(/-+$/, '');
  return `gha-${slug}${tail}`;
}

function repositorySlug(): string {
  let full = 'local';
  try {
    const { owner, repo } = context.repo;
    full = `${owner.slice(0, 20)}-${repo}`;
  } catch {
    // Outside a workflow (a local run) there is no repository; the name still carries the nonce.
  }
  return (
    full
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '') || 'local'
  );
}

/**
 * `gha <owner>/<repo> run <run id>-<attempt> <nonce>`: the step's mark, unique to the step, on what
 * it makes (an IP access list entry's description, a reverse private endpoint's).
 */
export function stepMark(): string {
  let repository = 'local';
  try {
    repository = `${context.repo.owner}/${context.repo.repo}`;
  } catch {
    // Outside a workflow there is no repository; the nonce still makes the mark the step's own.
  }
  return `gha ${repository} run ${context.runId || 0}-${context.runAttempt || 1} ${nonce()}`;
}

const MAX_SERVICE_NAME = 50;

/**
 * `gha-<repo>-<run id>-<attempt>-<nonce>` within the API's 50 characters for a service name: the
 * repository's name is cut first, so the run and the nonce always survive.
 */
export function defaultServiceName(stepNonce: string): string {
  let repo = 'local';
  try {
    repo = context.repo.repo || 'local';
  } catch {
    // Outside a workflow there is no repository; the name still carries the nonce.
  }
  const tail = `-${context.runId || 0}-${context.runAttempt || 1}-${stepNonce}`;
  return `gha-${repo.slice(0, MAX_SERVICE_NAME - 'gha-'.length - tail.length).replace(/-+$/, '')}${tail}`;
}

/** `<owner>.<repo>.<run id>-<attempt>-<nonce>`: a tag value (letters, digits, `.`, `_`, `-`) unique to the step. */
export function serviceMark(stepNonce: string): string {
  let repository = 'local';
  try {
    repository = `${context.repo.owner}.${context.repo.repo}`;
  } catch {
    // Outside a workflow there is no repository; the nonce still makes the mark the step's own.
  }
  return `${repository.replace(/[^a-zA-Z0-9._-]/g, '-')}.${context.runId || 0}-${context.runAttempt || 1}-${stepNonce}`;
}
