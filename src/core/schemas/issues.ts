import type { ArtifactIssue } from '../errors';

/** The part of a zod error (classic or mini) that we read. */
export interface SchemaIssues {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

/** Converts zod issues into ArtifactIssues with dotted field paths (`files.2`, `tests.passed`). */
export function toArtifactIssues(error: SchemaIssues, prefix = ''): ArtifactIssue[] {
  return error.issues.map((i) => {
    const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    return { field, message: i.message };
  });
}
