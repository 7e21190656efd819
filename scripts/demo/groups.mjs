// The demo's child processes, each the leader of its own process group, so stopping one takes down what it
// started too (a `lock run` command, an agent CLI and its tool shells). stopGroups() is synchronous because it
// also runs from an exit hook (Ctrl-C), where nothing asynchronous gets to finish.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const groups = new Set();

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // gone
  }
}

/**
 * The process groups that still hold a live (not zombie) process. kill(-pgid, 0) cannot tell: a leader that has
 * exited stays a zombie until Node reaps it, which cannot happen while stopGroups() blocks. Linux's /proc can.
 */
function liveGroups() {
  if (!existsSync('/proc/self/stat')) return new Set([...groups].filter((pid) => signalGroup(pid, 0)));
  const live = new Set();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after its last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && state !== 'X') live.add(Number(pgrp));
    } catch {
      // exited while we looked
    }
  }
  return live;
}

/** spawn() in a new process group that stopGroups() will stop. */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) return child;
  groups.add(child.pid);
  // Forget the group once it is empty: a pid used again later must never receive our signals.
  child.on('exit', () => {
    if (!signalGroup(child.pid, 0)) groups.delete(child.pid);
  });
  return child;
}

/**
 * Stops the groups newest first, each with SIGTERM (agents and missions clean up on it) and a wait, so a mission
 * is stopped before the lock holder or the model it waits for; SIGKILL to whatever is left after graceMs.
 */
export function stopGroups(graceMs = 5000) {
  const tick = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + graceMs;
  for (const pid of [...groups].reverse()) {
    if (!signalGroup(pid, 'SIGTERM')) continue;
    while (Date.now() < deadline && liveGroups().has(pid)) Atomics.wait(tick, 0, 0, 20);
  }
  const live = liveGroups();
  for (const pid of groups) if (live.has(pid)) signalGroup(pid, 'SIGKILL');
  groups.clear();
}
