// zod/mini with English messages. Mini registers no locale by itself (classic zod does), so without this its
// errors would read "Invalid input" instead of naming what was expected.
import * as z from 'zod/mini';

z.config(z.locales.en());

export { z };
