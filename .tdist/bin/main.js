import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands.js';
import { CliExit } from '../sim/cli/io.js';
import { InputError } from '../sim/core/input-error.js';
import { escapeControl } from '../sim/core/quote-input.js';
import { DUETSIM_VERSION } from '../sim/core/version.js';
export const VERSION = DUETSIM_VERSION;
/** Runs the CLI on argv (without the node and script entries). Returns the exit code. */
export async function runCli(argv, rawIo) {
    const io = terminalSafeIo(rawIo);
    const program = new Command('duetsim')
        .description('Discrete-event simulator of LLM serving on GPUs: DuetServe and the designs it competes with.')
        .version(VERSION)
        .exitOverride()
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .showHelpAfterError();
    // Load only the command asked for; with none (or help, or a typo) load them all so help lists every one.
    const first = argv.find((a) => !a.startsWith('-'));
    const names = first !== undefined && first in COMMANDS ? [first] : Object.keys(COMMANDS);
    for (const name of names) {
        const c = await COMMANDS[name]();
        if (c.name !== name)
            throw new Error(`command registered as '${name}' calls itself '${c.name}'`);
        c.register(program, io);
    }
    try {
        await program.parseAsync([...argv], { from: 'user' });
        return 0;
    }
    catch (e) {
        if (e instanceof CommanderError)
            return e.exitCode === 0 ? 0 : 2;
        if (e instanceof InputError) {
            io.stderr(`duetsim: invalid input\n${e.message}\n`);
            return 2;
        }
        if (e instanceof CliExit) {
            if (e.message)
                io.stderr(`duetsim: ${e.message}\n`);
            return e.exitCode;
        }
        throw e;
    }
}
/**
 * What commands print often comes from files (study results in `table`, measured GPU names and hosts in
 * `calibrate compare`, model names in `list` and `predict`, a study's name in `whatif`'s summary); a
 * control character in one must not reach the terminal, where escape sequences can rewrite the screen
 * or the window title. Every write is escaped here, once, rather than at each of the places that print
 * file text; newlines and tabs pass, and in JSON output the `\uXXXX` escapes leave strings meaning what
 * they did. On stderr the progress bars' own redraw (carriage return, and ESC[K to clear the rest of the
 * line) also passes: the one thing a file's text could still do there is return to the line's start.
 */
const ERASE_LINE = '\u001b[K';
function terminalSafeIo(io) {
    return {
        ...io,
        stdout: (text) => io.stdout(escapeControl(text, '\n\t')),
        stderr: (text) => io.stderr(text.split(ERASE_LINE).map((part) => escapeControl(part, '\n\t\r')).join(ERASE_LINE)),
    };
}
