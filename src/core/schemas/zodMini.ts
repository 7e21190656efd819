// zod/mini with English messages. Mini registers no locale by itself (classic zod does), so without this its
// errors would read "Invalid input" instead of naming what was expected.
//
// Re-exported with `export *` and imported as `import * as z`: bundlers then keep only the checks F-MES
// uses (a namespace object passed around whole would keep all of zod/mini, ~170 KB, in the PreToolUse hook
// and in every `fmes lock` call).
import { config, locales } from 'zod/mini';

config(locales.en());

export * from 'zod/mini';
