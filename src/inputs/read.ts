import * as core from '@actions/core';
import { isUuid } from '../uuid.js';
import { InputError, quote } from './errors.js';

/** An input's trimmed value; empty counts as not given (the interface page says so). */
export function readInput(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

/** A list input: one item per line or comma-separated, blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function readBoolean(name: string, fallback: boolean): boolean {
  const value = readInput(name);
  if (value === undefined) return fallback;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new InputError(name, `is ${quote(value)}, not a boolean`, 'true or false');
}

export function parseUuid(
  name: string,
  value: string,
  accepted = 'a UUID such as 123e4567-e89b-12d3-a456-426614174000 (copy it from the ClickHouse Cloud console)',
): string {
  if (!isUuid(value)) throw new InputError(name, `is ${quote(value)}, not a UUID`, accepted);
  return value.toLowerCase();
}

export function requireInput(name: string, meaning: string): string {
  const value = readInput(name);
  if (value === undefined) throw new InputError(name, 'is required but empty', meaning);
  return value;
}

/** One of a fixed set of words (case-insensitive), or the fallback when empty. */
export function readChoice<T extends string>(name: string, choices: readonly T[], fallback: T, accepted = choices.join(' or ')): T {
  const value = readInput(name);
  if (value === undefined) return fallback;
  const choice = choices.find((c) => c === value.toLowerCase());
  if (!choice) throw new InputError(name, `is ${quote(value)}`, accepted);
  return choice;
}
