// What the hook loads only when a call needs it, built into its own file (dist/chunks/hook-cold.cjs) so that
// the hook's start neither compiles nor runs it: zod and the schemas built from it, the settings reader and the
// approval store. In dist/hook.cjs every `require()` of our own modules resolves here (see esbuild.mjs), so this
// file must export each name such a `require()` reads; test/unit/hook/hookBundle.test.ts runs those paths
// against the built bundle.
export { loadConfigFile } from '../core/configFile';
export { lockConfigOf } from '../core/config';
export { lockRecordSchema } from '../core/schemas/lock';
export { denyRuleSchema } from '../core/safety/denyRules';
export { ApprovalStore } from '../core/safety/approvals';
