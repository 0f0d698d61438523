/** The document's `format: uuid`: the only form an ID may have before it goes into a path. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** Why IDs from an answer cannot go into a path, or undefined: each one given must be a UUID. */
export function idProblem(what: string, ids: Array<string | undefined>): string | undefined {
  const bad = ids.find((id) => id !== undefined && !isUuid(id));
  return bad === undefined ? undefined : `a ${what} ID that is not a UUID (${JSON.stringify(bad.slice(0, 40))})`;
}

/** Why an answer to a create does not name what it made: no ID, or one not a UUID; undefined when it does. */
export function madeIdProblem(what: string, id: string | undefined): string | undefined {
  return id === undefined ? `no ${what} ID` : idProblem(what, [id]);
}
