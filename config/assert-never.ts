/**
 * The end of an exhaustive `switch` over a union (`switch (catalog.mode)`, `switch (finding.check)`): a value left
 * unhandled is a compile error here, at every switch, when a member is added to the union.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
