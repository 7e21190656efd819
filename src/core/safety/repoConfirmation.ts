import { realish } from '../fs/realish';
// A repository's own `.fmes/config.json` is written by whoever can push to it, agents included. The values in it
// that weaken safety (turn the orchestrator loose, switch hooks or deny rules off, change how agents start) only
// count once a person on this machine has confirmed them, in a store that lives outside every repository.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig, type FmesConfig } from '../config';
import { FmesError, isErrnoException } from '../errors';
import { writeFileAtomicSync } from '../fs/atomicWrite';
import { FileMutexError, withFileMutexSync } from '../fs/fileMutex';
import { shownBackend, UNCONFIRMED_BACKEND, unconfirmedBackend } from '../../hot/locks/backendSpec';
import { DEFAULT_RULES } from '../../hot/safety/denyList';
import { DEFAULT_OWNERSHIP } from '../../hot/safety/ownership';
import { runIdentity } from '../../hot/safety/runIdentity';
import { schemaLocale, schemaText } from '../i18n/schemaText';

/** A repository value that makes F-MES less safe than its default, by dotted field. */
export interface WeakeningValue {
  /** Dotted field name, as in `.fmes/config.json` (`orchestrator.auto`, `agents.claude.args`). */
  field: string;
  /** The part of the value that weakens (for `safety.rules` and `safety.ownership`: only those entries). */
  value: unknown;
  /** What the field falls back to while unconfirmed. */
  fallback: unknown;
  /** sha256 of the canonical JSON of `value`: a changed value needs a new confirmation. */
  hash: string;
  /** One line for people: what the value does. */
  why: string;
}

export type ConfirmationErrorReason = 'insideAgentRun' | 'storeInsideRepository' | 'storeBusy';

export class ConfirmationError extends FmesError<ConfirmationErrorReason> {
  readonly kind = 'confirmation';
  static is(e: unknown, reason?: ConfirmationErrorReason): e is ConfirmationError {
    return e instanceof ConfirmationError && (reason === undefined || e.reason === reason);
  }
}

/** JSON with sorted keys, so that the same value always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function valueHash(v: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(v)).digest('hex')}`;
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const normFolder = (f: string) => f.replace(/^\.\/+/, '').replace(/\/+$/, '');

type AgentName = keyof FmesConfig['agents'];
const AGENT_FIELDS = ['command', 'args', 'env', 'passEnv', 'allowedTools'] as const;

/**
 * One field that may weaken safety: how to read it, which part of it weakens, and how to set it. `weak`
 * returns undefined when the value is the default or stricter (no confirmation needed).
 */
interface Guarded {
  field: string;
  why: string;
  weak(c: FmesConfig): unknown;
  /** The config with this field's weakening part taken out (the default, or the stricter entries kept). */
  strip(c: FmesConfig): FmesConfig;
  fallback(c: FmesConfig): unknown;
}

function guardedFields(): Guarded[] {
  const d = defaultConfig;
  const defaultIds = new Set(DEFAULT_RULES.map((r) => r.id));
  const ownedByDefault = Object.keys(DEFAULT_OWNERSHIP).map(normFolder);
  // An ownership entry on a default-owned folder, or inside one, can widen who writes there (the deepest wins).
  // Elsewhere it only narrows, unless it names nobody: an empty list is the strictest value anywhere.
  const weakOwner = (folder: string, owners: readonly string[]) =>
    owners.length > 0 && ownedByDefault.some((o) => normFolder(folder) === o || normFolder(folder).startsWith(`${o}/`));
  const fields: Guarded[] = [
    {
      field: 'orchestrator.auto',
      why: 'starts a mission for every new plan without a person',
      weak: (c) => (c.orchestrator.auto && !d.orchestrator.auto ? c.orchestrator.auto : undefined),
      strip: (c) => ({ ...c, orchestrator: { ...c.orchestrator, auto: d.orchestrator.auto } }),
      fallback: () => d.orchestrator.auto,
    },
    {
      field: 'orchestrator.approvalRisks',
      why: 'lets plans of these risks run without a person’s approval',
      weak: (c) =>
        d.orchestrator.approvalRisks.some((r) => !c.orchestrator.approvalRisks.includes(r))
          ? c.orchestrator.approvalRisks
          : undefined,
      strip: (c) => ({
        ...c,
        orchestrator: {
          ...c.orchestrator,
          approvalRisks: [...new Set([...c.orchestrator.approvalRisks, ...d.orchestrator.approvalRisks])],
        },
      }),
      fallback: (c) => [...new Set([...c.orchestrator.approvalRisks, ...d.orchestrator.approvalRisks])],
    },
    {
      field: 'safety.hooks',
      why: 'starts agents without F-MES’s safety hooks',
      weak: (c) => (!c.safety.hooks && d.safety.hooks ? c.safety.hooks : undefined),
      strip: (c) => ({ ...c, safety: { ...c.safety, hooks: d.safety.hooks } }),
      fallback: () => d.safety.hooks,
    },
    {
      field: 'safety.rules',
      why: 'disables or changes built-in deny rules',
      weak: (c) => {
        const w = c.safety.rules.filter((r) => defaultIds.has(r.id));
        return w.length > 0 ? w : undefined;
      },
      strip: (c) => ({ ...c, safety: { ...c.safety, rules: c.safety.rules.filter((r) => !defaultIds.has(r.id)) } }),
      fallback: (c) => c.safety.rules.filter((r) => !defaultIds.has(r.id)),
    },
    {
      field: 'safety.ownership',
      why: 'lets more agents write into folders only F-MES or the planner may write',
      weak: (c) => {
        const w = Object.fromEntries(Object.entries(c.safety.ownership).filter(([f, o]) => weakOwner(f, o)));
        return Object.keys(w).length > 0 ? w : undefined;
      },
      strip: (c) => ({
        ...c,
        safety: {
          ...c.safety,
          ownership: Object.fromEntries(Object.entries(c.safety.ownership).filter(([f, o]) => !weakOwner(f, o))),
        },
      }),
      fallback: (c) => Object.fromEntries(Object.entries(c.safety.ownership).filter(([f, o]) => !weakOwner(f, o))),
    },
    {
      field: 'safety.auditWebhook',
      why: 'sends every audit record (commands, paths) to this address',
      weak: (c) => (c.safety.auditWebhook !== d.safety.auditWebhook ? c.safety.auditWebhook : undefined),
      strip: (c) => ({ ...c, safety: { ...c.safety, auditWebhook: d.safety.auditWebhook } }),
      fallback: () => d.safety.auditWebhook,
    },
    {
      field: 'sandbox.mode',
      why: 'starts agents without the OS sandbox, or without it where the machine has none',
      weak: (c) => (c.sandbox.mode === 'off' && d.sandbox.mode !== 'off' ? c.sandbox.mode : undefined),
      strip: (c) => ({
        ...c,
        sandbox: { ...c.sandbox, mode: c.sandbox.mode === 'off' ? d.sandbox.mode : c.sandbox.mode },
      }),
      fallback: () => d.sandbox.mode,
    },
    {
      field: 'sandbox.allowedDomains',
      why: 'lets sandboxed agents reach these hosts',
      weak: (c) => (c.sandbox.allowedDomains.length > 0 ? c.sandbox.allowedDomains : undefined),
      strip: (c) => ({ ...c, sandbox: { ...c.sandbox, allowedDomains: d.sandbox.allowedDomains } }),
      fallback: () => d.sandbox.allowedDomains,
    },
    {
      field: 'sandbox.extraWritable',
      why: 'lets sandboxed agents write these paths',
      weak: (c) => (c.sandbox.extraWritable.length > 0 ? c.sandbox.extraWritable : undefined),
      strip: (c) => ({ ...c, sandbox: { ...c.sandbox, extraWritable: d.sandbox.extraWritable } }),
      fallback: () => d.sandbox.extraWritable,
    },
    // A repository's file could point every clone's locks at a server its author runs: the server would see the
    // paths, intents and agent names, get FMES_REDIS_PASSWORD, and decide which writes the hook allows. While
    // unconfirmed, the backend is refused (src/hot/locks/backendSpec.ts): no locks, the hook denies writes.
    // The value judged and shown has no password: a new password for the same server needs no new confirmation.
    ...(['backend', 'namespace'] as const).map((key): Guarded => ({
      field: `locks.${key}`,
      why:
        key === 'backend'
          ? 'sends this repository’s locks (paths, agent names, the lock server password) to this server'
          : 'shares the locks of this namespace on the lock server (another repository’s, perhaps)',
      weak: (c) => {
        const remote = c.locks.backend !== '' && c.locks.backend !== 'file';
        if (!remote || (key === 'namespace' && c.locks.namespace === d.locks.namespace)) return undefined;
        return key === 'backend' ? shownBackend(c.locks.backend) : c.locks.namespace;
      },
      strip: (c) =>
        // Refused already (the backend unconfirmed): its message names the server, which says more.
        c.locks.backend.startsWith(UNCONFIRMED_BACKEND)
          ? c
          : {
              ...c,
              locks: {
                ...c.locks,
                backend: unconfirmedBackend(
                  `locks.${key}`,
                  key === 'backend' ? shownBackend(c.locks.backend) : JSON.stringify(c.locks.namespace),
                ),
              },
            },
      fallback: () => 'no locks in this workspace, and the hook denies writes, until confirmed',
    })),
  ];
  for (const agent of Object.keys(d.agents) as AgentName[]) {
    for (const key of AGENT_FIELDS) {
      const dflt = d.agents[agent][key];
      fields.push({
        field: `agents.${agent}.${key}`,
        why:
          key === 'allowedTools'
            ? 'lets the agent use more tools without asking'
            : key === 'passEnv'
              ? 'passes more of your environment (secrets included) to the agent'
              : `changes how ${agent} is started`,
        weak: (c) => {
          const v = c.agents[agent][key];
          // Fewer tools allowed without asking is stricter; anything else that differs is not judged, only confirmed.
          if (key === 'allowedTools' && (v as string[]).every((t) => (dflt as string[]).includes(t))) return undefined;
          return same(v, dflt) ? undefined : v;
        },
        strip: (c) => ({ ...c, agents: { ...c.agents, [agent]: { ...c.agents[agent], [key]: dflt } } }),
        fallback: () => dflt,
      });
    }
  }
  return fields;
}

let guarded: Guarded[] | undefined;

/** The values of `config` (parsed from a repository's file) that are weaker than F-MES's defaults. */
export function weakeningValues(config: FmesConfig): WeakeningValue[] {
  const out: WeakeningValue[] = [];
  for (const g of (guarded ??= guardedFields())) {
    const value = g.weak(config);
    if (value === undefined) continue;
    out.push({ field: g.field, value, fallback: g.fallback(config), hash: valueHash(value), why: g.why });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The store: one JSON file per user, outside every repository.

interface StoreEntry {
  hash: string;
  decision: 'confirmed' | 'declined';
  at: string;
  by?: string;
}
interface StoreFile {
  version: 1;
  /** Real path of the workspace → field → the decision on one value of it. */
  workspaces: Record<string, Record<string, StoreEntry>>;
}

/** Whether this process runs inside an agent run F-MES started. */
export function insideAgentRun(env: NodeJS.ProcessEnv = process.env): boolean {
  // The environment, and on Linux every ancestor's: an agent can drop FMES_RUN_ID from its own (runIdentity.ts).
  return runIdentity({ env }) !== undefined;
}

/**
 * Where confirmations are kept: `$FMES_STATE_DIR` (outside agent runs only: an agent must not point F-MES at a
 * store it wrote itself), else the user's state folder (`$XDG_STATE_HOME/fmes`, `~/.local/state/fmes`,
 * `%LOCALAPPDATA%\fmes`).
 */
export function confirmationStoreFile(env: NodeJS.ProcessEnv = process.env): string {
  let dir: string;
  if (env.FMES_STATE_DIR && path.isAbsolute(env.FMES_STATE_DIR) && !insideAgentRun(env)) dir = env.FMES_STATE_DIR;
  else if (process.platform === 'win32')
    dir = path.join(env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'fmes');
  else
    dir = path.join(
      env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
        ? env.XDG_STATE_HOME
        : path.join(os.homedir(), '.local', 'state'),
      'fmes',
    );
  return path.join(dir, 'confirmations.json');
}

function realRoot(root: string): string {
  try {
    return fs.realpathSync.native(root);
  } catch {
    return path.resolve(root);
  }
}

const inside = (p: string, dir: string) => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Why a store file cannot be trusted for `root`, or undefined. */
function storeProblem(file: string, root: string): string | undefined {
  const real = realish(file);
  if (inside(real, realRoot(root)) || inside(path.resolve(file), path.resolve(root)))
    return `the confirmation store ${file} is inside the repository`;
  return undefined;
}

function readStore(file: string): StoreFile {
  return loadStore(file).store;
}

/** The store, and whether a file is there that is not one (damaged, or not ours to trust): kept, never overwritten. */
function loadStore(file: string): { store: StoreFile; unusable: boolean } {
  const empty = (unusable: boolean) => ({ store: { version: 1 as const, workspaces: {} }, unusable });
  let text: string;
  try {
    const st = fs.lstatSync(file);
    // Written by us only: a regular file of this user, writable by nobody else.
    if (!st.isFile()) return empty(true);
    if (
      process.platform !== 'win32' &&
      (st.mode & 0o022 || (typeof process.getuid === 'function' && st.uid !== process.getuid()))
    )
      return empty(true);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrnoException(e)) return empty(!isErrnoException(e, 'ENOENT'));
    throw e;
  }
  try {
    const v = JSON.parse(text) as StoreFile;
    if (v && v.version === 1 && v.workspaces && typeof v.workspaces === 'object') return { store: v, unusable: false };
  } catch {
    /* a damaged store confirms nothing */
  }
  return empty(true);
}

export interface ConfirmationOptions {
  /** The store file (default: {@link confirmationStoreFile}). */
  store?: string;
  env?: NodeJS.ProcessEnv;
}

/** The recorded decisions for a workspace, by field. */
export function decisionsFor(root: string, o: ConfirmationOptions = {}): Record<string, StoreEntry> {
  const file = o.store ?? confirmationStoreFile(o.env);
  if (storeProblem(file, root)) return {};
  return readStore(file).workspaces[realRoot(root)] ?? {};
}

export interface GateResult {
  config: FmesConfig;
  /** Weakening values that are not confirmed, so not applied. */
  unconfirmed: WeakeningValue[];
  /** Weakening values applied because a person confirmed them. */
  confirmed: WeakeningValue[];
}

/**
 * The config a repository's file may have, on this machine: every weakening value a person has not confirmed
 * (this exact value, for this workspace) is replaced by its default. Stricter values always apply.
 */
export function gateRepoConfig(root: string, config: FmesConfig, o: ConfirmationOptions = {}): GateResult {
  const weak = weakeningValues(config);
  if (weak.length === 0) return { config, unconfirmed: [], confirmed: [] };
  const decisions = decisionsFor(root, o);
  const unconfirmed: WeakeningValue[] = [];
  const confirmed: WeakeningValue[] = [];
  let out = config;
  for (const w of weak) {
    const d = decisions[w.field];
    if (d?.decision === 'confirmed' && d.hash === w.hash) confirmed.push(w);
    else {
      unconfirmed.push(w);
      out = guarded!.find((g) => g.field === w.field)!.strip(out);
    }
  }
  return { config: out, unconfirmed, confirmed };
}

/** Unconfirmed values that no one has declined yet (the editor asks about these once). */
export function undecided(
  root: string,
  unconfirmed: readonly WeakeningValue[],
  o: ConfirmationOptions = {},
): WeakeningValue[] {
  const decisions = decisionsFor(root, o);
  return unconfirmed.filter((w) => decisions[w.field]?.hash !== w.hash);
}

/**
 * Records a person's decision on these values for this workspace. Refused inside an agent run, and when the
 * store would be inside the repository (a file the repository's own writers could forge).
 */
export function recordDecision(
  root: string,
  values: readonly WeakeningValue[],
  decision: StoreEntry['decision'],
  o: ConfirmationOptions & { by?: string } = {},
): string {
  const env = o.env ?? process.env;
  if (insideAgentRun(env))
    throw new ConfirmationError(
      'insideAgentRun',
      'repository settings cannot be confirmed from inside an agent run: a person confirms them',
    );
  const file = o.store ?? confirmationStoreFile(env);
  const problem = storeProblem(file, root);
  if (problem)
    throw new ConfirmationError('storeInsideRepository', `${problem}; set FMES_STATE_DIR to a folder outside it`);
  const key = realRoot(root);
  const at = new Date().toISOString();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // Read, change and write under one mutex: two confirmations at once (two terminals, two windows) both land.
    withFileMutexSync(file, () => {
      const { store, unusable } = loadStore(file);
      // A damaged store (or one another user could write) confirms nothing; it is set aside, not overwritten.
      if (unusable) fs.renameSync(file, `${file}.unusable-${at.replace(/[:.]/g, '-')}`);
      const entries = { ...(store.workspaces[key] ?? {}) };
      for (const v of values) entries[v.field] = { hash: v.hash, decision, at, ...(o.by ? { by: o.by } : {}) };
      store.workspaces[key] = entries;
      writeFileAtomicSync(file, `${JSON.stringify(store, null, 2)}\n`);
      if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
    });
  } catch (e) {
    if (!FileMutexError.is(e)) throw e;
    throw new ConfirmationError('storeBusy', `${e.message}; nothing was recorded`, { cause: e });
  }
  return file;
}

/** A short description of a value for a message. */
export function describeValue(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/** The one message for unconfirmed values: each field and how to confirm (the caller names the file). */
export function unconfirmedMessage(unconfirmed: readonly WeakeningValue[]): string {
  const fields = unconfirmed.map((w) => `${w.field} = ${describeValue(w.value)}`).join(', ');
  const one = unconfirmed.length === 1;
  if (schemaLocale() !== 'en') return schemaText('unconfirmed', { fields });
  return `ignoring ${one ? 'a value' : 'values'} that weaken${one ? 's' : ''} safety until a person confirms ${one ? 'it' : 'them'} on this machine with \`fmes config confirm\`: ${fields}`;
}
