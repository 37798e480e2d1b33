import type { CommandModule } from './command-module.js';
import { whatifCommand } from './commands/whatif.js';
import { mergeCommand } from './commands/merge.js';
import { reportCommand } from './commands/report.js';
import { replay } from './commands/replay.js';
import { predict } from './commands/predict.js';
import { calibrate } from './commands/calibrate.js';
import { trace } from './commands/trace.js';
import { list } from './commands/list.js';
import { table } from './commands/table.js';

/**
 * The registry of top-level commands: the key is the command name users type and the file name under
 * commands/. Adding a command is its file plus one line here.
 */
export const COMMANDS: readonly CommandModule[] = [
  list,
  whatifCommand,
  mergeCommand,
  reportCommand,
  replay,
  predict,
  calibrate,
  trace,
  table,
];
