import type { Command } from 'commander';
import type { CliIo } from './io.js';

/**
 * One top-level CLI command. `register` adds it (and its subcommands) to the program; actions parse
 * their options, call library code and print. Actions may be async; errors propagate to main.ts,
 * which formats InputError and CliExit and sets the exit code.
 */
export interface CommandModule {
  readonly name: string;
  readonly register: (program: Command, io: CliIo) => void;
}
