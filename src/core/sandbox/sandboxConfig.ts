// zod/mini: part of the config every entry point builds.
import * as z from '../schemas/zodMini';

/** A host name, `*.suffix`, or either with `:port`: what the sandbox's proxy lets an agent reach. */
const domain = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(253),
    z.regex(
      /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/,
      'must be a host name, *.suffix or host:port',
    ),
  );

export const SANDBOX_MODES = ['auto', 'on', 'off'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export const sandboxSchema = z._default(
  z.object({
    /**
     * `auto`: agents run in an OS sandbox where the platform has one (a warning where not); `on`: an agent
     * never starts without one; `off`: no sandbox.
     */
    mode: z._default(z.enum(SANDBOX_MODES), 'auto'),
    /** Hosts an agent may reach besides its model API (through F-MES's proxy): `host`, `*.suffix`, `host:port`. */
    allowedDomains: z._default(z.array(domain), []),
    /** Further absolute paths an agent may write (besides its worktree, temp dir and the CLI's state). */
    extraWritable: z._default(z.array(z.string().check(z.minLength(1))), []),
  }),
  { mode: 'auto', allowedDomains: [], extraWritable: [] },
);

export type SandboxConfig = z.infer<typeof sandboxSchema>;
