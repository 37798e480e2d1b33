import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { InputError } from '../core/input-error.js';

/**
 * An exclusive lock on a study results file, held while `whatif` writes it: `FILE.lock` beside it,
 * created with O_EXCL (atomic on local file systems and on NFSv3+), holding the owner's pid and host.
 * Two `whatif --resume` runs on one file used to both append and leave it corrupt; the second now
 * stops before reading the file.
 *
 * A lock left by a process that died without releasing it (kill -9, a crashed node) is taken over
 * when its owner is on this host and no longer runs; a lock from another host is never guessed stale,
 * since its pid means nothing here: the message says which file to delete.
 */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started_at: string;
}

export class ResultsLock {
  private released = false;
  private constructor(readonly lockFile: string) {}

  /** Takes the lock for `file`; `flag` names where the path came from, for messages (e.g. "-o"). */
  static acquire(file: string, flag: string, now: Date = new Date()): ResultsLock {
    const lockFile = `${file}.lock`;
    const owner: LockOwner = { pid: process.pid, host: hostname(), started_at: now.toISOString() };
    const problem = (code: string, message: string): InputError => new InputError([{ code, file, line: 0, column: 0, field: flag, message }]);
    if (isDirectory(file)) throw problem('bad-output-path', 'is a folder; name a results file inside it');
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(lockFile, 'wx');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') {
          // ENOENT in a folder that exists: the file system takes no new files (/proc).
          const reason =
            code === 'ENOENT' ? (isDirectory(dirname(file)) ? `no new file can be created in '${dirname(file)}'` : 'its folder does not exist')
            : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
            : (e as Error).message;
          throw problem('bad-output-path', `cannot write the results file: ${reason}`);
        }
        const held = readOwner(lockFile);
        if (attempt === 0 && held !== null && held.host === owner.host && !isRunning(held.pid)) {
          unlinkSync(lockFile);
          continue;
        }
        const who = held === null ? 'another process' : `duetsim whatif (pid ${held.pid} on ${held.host}, since ${held.started_at})`;
        throw problem('results-locked', `${who} is writing this results file; wait for it to finish, or delete ${lockFile} if that process is gone`);
      }
      writeSync(fd, JSON.stringify(owner) + '\n');
      closeSync(fd);
      return new ResultsLock(lockFile);
    }
    throw problem('results-locked', `could not take ${lockFile}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone (removed by hand): nothing left to release.
    }
  }
}

function readOwner(lockFile: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.started_at === 'string' ? (o as LockOwner) : null;
  } catch {
    // Being written this instant, or not ours: treat as held by someone unknown.
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
