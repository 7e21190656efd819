/**
 * What the dashboard shows of a mission's verification: rule violations, the visual proof and the cross-model
 * review. Part of the typed webview protocol (protocol.ts's mission rows carry it); no vscode, no node:*.
 */
import { z } from 'zod';

/** A PNG as a `data:image/png;base64,` URL (the page's CSP allows `data:` images and nothing else new). */
const pngDataUrl = z
  .string()
  .max(8 * 1024 * 1024)
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'must be a base64 PNG data URL');

const placeSchema = z.object({ file: z.string(), line: z.number(), message: z.string() });

export const verifyViewSchema = z.object({
  rules: z
    .object({
      violations: z.array(placeSchema.extend({ rule: z.string(), source: z.string().optional() })),
      unchecked: z.array(z.string()),
      /** The audit agent's line (who ran it, what came back). */
      audit: z.string().optional(),
    })
    .optional(),
  proof: z
    .object({
      url: z.string(),
      /** The branch's picture, the base's and their difference (data URLs), when there are. */
      image: pngDataUrl.optional(),
      baseImage: pngDataUrl.optional(),
      diffImage: pngDataUrl.optional(),
      /** The picture files, workspace-relative, to open. */
      imageFile: z.string().optional(),
      diffFile: z.string().optional(),
      changedShare: z.number().optional(),
      changed: z.boolean(),
      consoleErrors: z.array(z.string()),
      error: z.string().optional(),
    })
    .optional(),
  review: z
    .object({
      agent: z.string(),
      verdict: z.string(),
      summary: z.string(),
      comments: z.array(placeSchema),
      rounds: z.number(),
    })
    .optional(),
  /** Revised plans written after every agent failed. */
  replans: z.array(z.string()).optional(),
});
export type VerifyView = z.infer<typeof verifyViewSchema>;
