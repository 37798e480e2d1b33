import { Command, CommanderError } from 'commander';
import { CliExit } from '../../sim/cli/io.js';
import { InputError } from '../../sim/core/input-error.js';
/**
 * Runs one command module in-process, the way bin/main.ts does (same exit codes), so a test can
 * register a command built with test doubles that the real registry would not hold.
 */
export async function runCommand(mod, argv, cwd, isTty = false) {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty, cwd };
    const program = new Command('duetsim').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    mod.register(program, io);
    try {
        await program.parseAsync([...argv], { from: 'user' });
        return { code: 0, stdout, stderr, error: null };
    }
    catch (e) {
        if (e instanceof CommanderError)
            return { code: e.exitCode === 0 ? 0 : 2, stdout, stderr, error: null };
        if (e instanceof InputError)
            return { code: 2, stdout, stderr, error: e };
        if (e instanceof CliExit)
            return { code: e.exitCode, stdout, stderr, error: e };
        throw e;
    }
}
