/**
 * A bad input value. Raised before any request is sent; the message names the input, what is
 * wrong with the value and what is accepted, so the user can fix the workflow without the docs.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly accepted: string,
  ) {
    super(`Input '${input}' ${problem}. Accepted: ${accepted}.`);
    this.name = 'InputError';
  }
}

/** Quotes a user value for an error message; long values are cut so a pasted blob stays readable. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(cut);
}
