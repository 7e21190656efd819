import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isErrnoException } from '../errors';

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
}

/** Creates `tmp` (its folder too), writes `data` and flushes it to disk. */
async function writeFlushed(tmp: string, data: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(tmp), { recursive: true });
  const fh = await fs.promises.open(tmp, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes a file so that readers and watchers only ever see the old or the new content: write a temp file
 * beside it, flush it, rename it into place. The temp file is removed if anything fails.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(file);
  try {
    await writeFlushed(tmp, data);
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

/** Synchronous twin of writeFileAtomic, for short critical sections. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Like writeFileAtomic, but never replaces an existing file: the flushed temp file is hard-linked into place,
 * and link(2) fails with EEXIST when the name is taken, so of two writers racing for one name exactly one wins.
 * Where the file system has no hard links, an existence check and a rename stand in (a narrow race).
 * Throws an EEXIST error when `file` exists.
 */
export async function writeNewFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(file);
  try {
    await writeFlushed(tmp, data);
    try {
      await fs.promises.link(tmp, file);
    } catch (e) {
      if (!isErrnoException(e, 'EPERM') && !isErrnoException(e, 'ENOTSUP') && !isErrnoException(e, 'ENOSYS')) throw e;
      if (fs.existsSync(file))
        throw Object.assign(new Error(`EEXIST: file already exists, link '${tmp}' -> '${file}'`), {
          code: 'EEXIST',
          path: file,
        });
      await fs.promises.rename(tmp, file);
    }
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/**
 * Writes `data` under the first free name of `candidates(0)`, `candidates(1)`, … with writeNewFileAtomic;
 * returns the name it used. Gives up (rethrowing EEXIST) after `attempts` names.
 */
export async function writeUniqueFileAtomic(
  candidates: (attempt: number) => string,
  data: string | Uint8Array,
  attempts = 100,
): Promise<string> {
  for (let i = 0; ; i++) {
    const file = candidates(i);
    try {
      await writeNewFileAtomic(file, data);
      return file;
    } catch (e) {
      if (!isErrnoException(e, 'EEXIST') || i + 1 >= attempts) throw e;
    }
  }
}
