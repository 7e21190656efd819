/**
 * A lookup table by name, written as an object literal that starts with `__proto__: null`:
 * `dictionary<Spec>({ __proto__: null, name: spec, … })`.
 *
 * V8 builds such a literal as a hash table at once. An ordinary literal of a hundred names is built the first time
 * its code runs, one hidden class per name, and the hook runs every table's code once per call: the writer and
 * wrapper tables cost about 0.2 ms of a Bash call that way (bench/hook.mjs). Without a prototype, a name such as
 * `constructor` or `__proto__` finds nothing either. The function only gives the literal its type (TypeScript
 * reads `__proto__: null` as an entry); a test holds every table to a null prototype and no null entry.
 */
export function dictionary<T>(table: { readonly [name: string]: T | null }): Record<string, T> {
  return table as Record<string, T>;
}
