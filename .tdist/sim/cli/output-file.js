import { closeSync, existsSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/input-error.js';
import { ProblemList } from '../input/problem-list.js';
import { CliExit } from './io.js';
/**
 * Files a command writes, named by its flags (--out, --requests-csv, --report, …).
 *
 * Every path is checked before the run starts, by creating the temporary file it will be written to
 * (`.NAME.PID.tmp` beside it): that is the only check that covers every way a write can fail (missing
 * folder, a folder in the way, no permission, a read-only file system, /proc) without guessing. A run
 * that would fail to save its results then fails in milliseconds, not after the simulation.
 *
 * Content is buffered and written as it is produced, so per-step and per-request outputs of any length
 * take bounded memory; `commit` renames the finished file into place, so an interrupted or failed run
 * never leaves a half-written file under the name asked for (only a stray temporary one, which
 * `discard` removes on every path this process controls).
 *
 * A path that exists and is not a regular file (/dev/stdout, a FIFO) cannot be renamed over; it is
 * written directly.
 */
const WHERE = '<command line>';
/** Characters buffered before a write: large enough that writes cost nothing, small against 300 MB. */
const FLUSH_CHARS = 1 << 16;
let tempCounter = 0;
export class OutputFile {
    flag;
    shownPath;
    finalPath;
    tempPath;
    fd;
    buffer = [];
    bufferedChars = 0;
    closed = false;
    constructor(
    /** The flag that named the file, for messages. */
    flag, 
    /** The path as the user typed it, for messages. */
    shownPath, finalPath, tempPath, fd) {
        this.flag = flag;
        this.shownPath = shownPath;
        this.finalPath = finalPath;
        this.tempPath = tempPath;
        this.fd = fd;
    }
    /** Checks the path and opens the file's temporary twin; an unusable path is an InputError naming the flag. */
    static open(flag, shownPath, cwd) {
        const finalPath = resolve(cwd, shownPath);
        const fail = (message) => {
            throw new InputError([{ code: 'bad-output-path', file: WHERE, line: 0, column: 0, field: flag, message }]);
        };
        if (shownPath.trim() === '')
            fail('expected a file name, got an empty string');
        const existing = statOrNull(finalPath);
        if (existing?.isDirectory())
            fail(`'${shownPath}' is a folder; name a file inside it`);
        const dir = dirname(finalPath);
        const parent = statOrNull(dir);
        if (parent === null)
            return fail(`cannot write '${shownPath}': folder '${dir}' does not exist`);
        if (!parent.isDirectory())
            fail(`cannot write '${shownPath}': '${dir}' is not a folder`);
        if (existing !== null && !existing.isFile()) {
            // A device or FIFO: no rename possible, and no half-written-file hazard a rename would prevent.
            return new OutputFile(flag, shownPath, finalPath, null, openOr(finalPath, 'w', shownPath, fail));
        }
        const tempPath = join(dir, `.${basename(finalPath)}.${process.pid}-${tempCounter++}.tmp`);
        return new OutputFile(flag, shownPath, finalPath, tempPath, openOr(tempPath, 'wx', shownPath, fail));
    }
    write(text) {
        this.buffer.push(text);
        this.bufferedChars += text.length;
        if (this.bufferedChars >= FLUSH_CHARS)
            this.flush();
    }
    /** Writes what is buffered, closes the file and moves it into place. */
    commit() {
        if (this.closed)
            throw new Error(`${this.shownPath} is already closed`);
        this.flush();
        this.closed = true;
        closeSync(this.fd);
        if (this.tempPath !== null)
            this.ioStep(() => renameSync(this.tempPath, this.finalPath));
    }
    /** Closes and removes the temporary file (nothing under the final name is touched). Safe to call twice. */
    discard() {
        if (!this.closed) {
            this.closed = true;
            closeSync(this.fd);
        }
        if (this.tempPath !== null && existsSync(this.tempPath))
            unlinkSync(this.tempPath);
    }
    flush() {
        if (this.buffer.length === 0)
            return;
        const text = this.buffer.join('');
        this.buffer = [];
        this.bufferedChars = 0;
        this.ioStep(() => writeSync(this.fd, text));
    }
    /** A write that fails mid-run (disk full, quota) ends the command with a message, not a stack trace. */
    ioStep(step) {
        try {
            step();
        }
        catch (e) {
            this.discard();
            throw new CliExit(1, `writing ${this.flag} '${this.shownPath}' failed: ${e.message}; nothing was written under that name`);
        }
    }
}
/** The output files of one command, opened together: all paths are checked before any work starts. */
export class OutputSet {
    files;
    constructor(files) {
        this.files = files;
    }
    /**
     * Opens every named output (entries with no path are skipped). Problems with several paths are
     * reported together; two flags naming one file, or an output naming one of `inputs`, are errors too
     * (the second would overwrite the first, or the input before it is read).
     */
    static open(outputs, cwd, inputs = []) {
        const problems = new ProblemList(WHERE);
        const problem = (field, message) => problems.add('bad-output-path', 0, field, message);
        const byPath = new Map();
        const inputPaths = new Set(inputs.map((p) => resolve(cwd, p)));
        for (const { flag, path } of outputs) {
            if (path === undefined)
                continue;
            const full = resolve(cwd, path);
            const other = byPath.get(full);
            if (other !== undefined)
                problem(flag, `'${path}' is also the file of ${other}; give each output its own file`);
            else if (inputPaths.has(full))
                problem(flag, `'${path}' is an input of this run; writing it would overwrite the input`);
            byPath.set(full, flag);
        }
        problems.throwIfAny();
        const files = new Map();
        for (const { flag, path } of outputs) {
            if (path === undefined)
                continue;
            try {
                files.set(flag, OutputFile.open(flag, path, cwd));
            }
            catch (e) {
                if (!(e instanceof InputError))
                    throw e;
                for (const p of e.problems)
                    problems.push(p);
            }
        }
        const set = new OutputSet(files);
        if (!problems.isEmpty) {
            set.discardAll();
            problems.throwIfAny();
        }
        return set;
    }
    /** The file opened for a flag, or null when that flag was not given. */
    get(flag) {
        return this.files.get(flag) ?? null;
    }
    commitAll() {
        for (const f of this.files.values())
            f.commit();
    }
    discardAll() {
        for (const f of this.files.values())
            f.discard();
    }
    /** Runs `work`, then commits every file; on any error removes the temporary files and rethrows. */
    async run(work) {
        try {
            const value = await work(this);
            this.commitAll();
            return value;
        }
        catch (e) {
            this.discardAll();
            throw e;
        }
    }
}
/** Writes a whole text to `path` atomically (checked, temporary file, rename), for one-shot outputs. */
export function writeOutputFile(flag, path, cwd, text) {
    const f = OutputFile.open(flag, path, cwd);
    try {
        f.write(text);
        f.commit();
    }
    catch (e) {
        f.discard();
        throw e;
    }
}
/**
 * Checks that `path` can be written, for outputs another program writes or appends to (a GPU run's
 * measurements): creates and removes the temporary twin, so a bad path fails before hours of work.
 */
export function checkOutputPath(flag, path, cwd) {
    OutputFile.open(flag, path, cwd).discard();
}
function statOrNull(path) {
    try {
        return statSync(path);
    }
    catch {
        return null;
    }
}
function openOr(path, flags, shownPath, fail) {
    try {
        return openSync(path, flags);
    }
    catch (e) {
        const code = e.code;
        // The folder was seen to exist, so ENOENT means the file system takes no new files (/proc does that).
        const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
            : code === 'EROFS' ? 'read-only file system'
                : code === 'ENOENT' ? `no new file can be created in '${dirname(path)}'`
                    : code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left on the device'
                        : e.message;
        return fail(`cannot write '${shownPath}': ${reason}`);
    }
}
