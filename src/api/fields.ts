/** The action's naming rule for body fields: inputs and outputs are the API's fields in kebab-case. */
export function kebabCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A result object as step outputs: kebab-case names, arrays and objects as JSON, null as empty. */
export function fieldOutputs(result: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(result).map(([field, value]) => [
      kebabCase(field),
      value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}
