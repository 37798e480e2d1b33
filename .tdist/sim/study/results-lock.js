import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { InputError } from '../core/input-error.js';
export class ResultsLock {
    lockFile;
    released = false;
    constructor(lockFile) {
        this.lockFile = lockFile;
    }
    /** Takes the lock for `file`; `flag` names where the path came from, for messages (e.g. "-o"). */
    static acquire(file, flag, now = new Date()) {
        const lockFile = `${file}.lock`;
        const owner = { pid: process.pid, host: hostname(), started_at: now.toISOString() };
        const problem = (code, message) => new InputError([{ code, file, line: 0, column: 0, field: flag, message }]);
        if (isDirectory(file))
            throw problem('bad-output-path', 'is a folder; name a results file inside it');
        for (let attempt = 0; attempt < 2; attempt++) {
            let fd;
            try {
                fd = openSync(lockFile, 'wx');
            }
            catch (e) {
                const code = e.code;
                if (code !== 'EEXIST') {
                    // ENOENT in a folder that exists: the file system takes no new files (/proc).
                    const reason = code === 'ENOENT' ? (isDirectory(dirname(file)) ? `no new file can be created in '${dirname(file)}'` : 'its folder does not exist')
                        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
                            : e.message;
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
    release() {
        if (this.released)
            return;
        this.released = true;
        try {
            unlinkSync(this.lockFile);
        }
        catch {
            // Already gone (removed by hand): nothing left to release.
        }
    }
}
function readOwner(lockFile) {
    try {
        const o = JSON.parse(readFileSync(lockFile, 'utf8'));
        return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.started_at === 'string' ? o : null;
    }
    catch {
        // Being written this instant, or not ours: treat as held by someone unknown.
        return null;
    }
}
function isRunning(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        // EPERM: the process exists but belongs to someone else.
        return e.code === 'EPERM';
    }
}
function isDirectory(path) {
    try {
        return statSync(path).isDirectory();
    }
    catch {
        return false;
    }
}
