// Types for packageLinks.mjs, so unit tests can import it.
export function markdownTargets(text: string): string[];
export function deadPackageLinks(readme: string, files: Iterable<string>): string[];
export function deadReadmeLinks(readmePath: string, files: Iterable<string>): string[];
export function walkthroughImages(root: string): string[];
