/** Where the rules live, workspace-relative. */
export const RULES_FILE = '.fmes/rules.yaml';

/** What `fmes init` writes when there is no rules file: one example of each kind, documented inline. */
export const RULES_EXAMPLE = `# F-MES architecture rules: checked on the changed lines of every mission before it may merge.
# A violation puts the mission in review with file:line and the rule's message. Schema: README "Rules".
version: 1
rules: []
# Examples (remove the leading "# " to use them):
#  - id: repository-only
#    message: All DB access goes through the Repository pattern (src/db/).
#    imports: [pg, mysql2, "@prisma/client"]   # modules changed code may not import…
#    exclude: src/db/**                        # …outside src/db/
#  - id: no-console
#    message: Use the Logger, not console.
#    pattern: console.log($$$ARGS)             # an ast-grep pattern (TypeScript/JavaScript by default)
#    files: src/**
#  - id: py-no-print
#    message: No print() in library code.
#    language: python                          # python and go need @ast-grep/lang-python / lang-go installed
#    pattern: print($$$A)
#  - id: no-generated-edits
#    message: Generated files are regenerated, never edited.
#    paths: src/generated/**
#  - id: errors-typed
#    message: Throw typed errors with a reason, never bare Error.   # free text: for the audit agent
#    text: New code throws subclasses of FmesError, never new Error(...).
`;
