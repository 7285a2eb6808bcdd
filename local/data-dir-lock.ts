import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The lock's file name under DATA_DIR; it holds the owner's process id. */
export const DATA_DIR_LOCK_FILE = 'service.lock';

/** Another live process owns the folder. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(`DATA_DIR ${dataDir} is in use by process ${ownerPid}`);
  }
}

export interface DataDirLock {
  /** The process id of a stale lock taken over (its process had gone without releasing it). */
  takenOverFrom: number | undefined;
  /** Removes the lock (only if it is still ours). */
  release(): Promise<void>;
}

/** Folders this process holds: its own pid in a lock file is then a live owner, not a stale one. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(file: string): Promise<number | undefined | 'gone'> {
  try {
    const pid = Number.parseInt(await readFile(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/** Whether `pid`, read from the lock, is a live owner (our own pid counts only if this process holds the folder). */
function liveOwner(pid: number, dataDir: string): boolean {
  return pid === process.pid ? heldHere.has(dataDir) : isAlive(pid);
}

/**
 * Makes this process the one owner of `dataDir` for its life: the store, the queue's database (one
 * consumer of it) and everything else in it. The lock file is created whole
 * and atomically (written beside it, then hard-linked into place, which fails if it exists), so it
 * is never seen empty. A lock whose process is gone (a crash, a `kill -9`) is moved aside and
 * checked before it is taken over, so two starters racing for a stale lock cannot both win.
 * Released on `release()` and when the process exits.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, DATA_DIR_LOCK_FILE);
  const mine = `${file}.${process.pid}.new`;
  await writeFile(mine, `${process.pid}\n`);
  let takenOverFrom: number | undefined;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await link(mine, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
      }
      const owner = await ownerOf(file);
      if (owner === 'gone') continue;
      if (owner !== undefined && liveOwner(owner, dataDir)) throw new DataDirInUseError(dataDir, owner);
      // Stale (or unreadable): move it aside, then make sure what was moved is what was judged stale.
      const aside = `${file}.${process.pid}.stale`;
      try {
        await rename(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = await ownerOf(aside);
      if (typeof moved === 'number' && moved !== owner && liveOwner(moved, dataDir)) {
        // Another starter took the stale lock over first: give its lock back.
        await link(aside, file).catch(() => undefined);
        await unlink(aside).catch(() => undefined);
        throw new DataDirInUseError(dataDir, moved);
      }
      await unlink(aside).catch(() => undefined);
      if (typeof moved === 'number') takenOverFrom = moved;
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  heldHere.add(dataDir);

  let released = false;
  const releaseNow = (): void => {
    if (released) return;
    released = true;
    heldHere.delete(dataDir);
    process.off('exit', releaseNow);
    try {
      if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
    } catch {
      // gone already
    }
  };
  // An exit on a fatal error still frees the folder (a SIGKILL cannot: the next start finds it stale).
  process.on('exit', releaseNow);
  return { takenOverFrom, release: async () => releaseNow() };
}
