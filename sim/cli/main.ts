import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands.js';
import { CliExit, type CliIo } from './io.js';
import { InputError } from '../core/input-error.js';

export const VERSION = '0.1.0';

/** Runs the CLI on argv (without the node and script entries). Returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('duetsim')
    .description('Discrete-event simulator of LLM serving on GPUs: DuetServe and the designs it competes with.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();
  const seen = new Set<string>();
  for (const c of COMMANDS) {
    if (seen.has(c.name)) throw new Error(`command '${c.name}' registered twice`);
    seen.add(c.name);
    c.register(program, io);
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof InputError) {
      io.stderr(`duetsim: invalid input\n${e.message}\n`);
      return 2;
    }
    if (e instanceof CliExit) {
      if (e.message) io.stderr(`duetsim: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
