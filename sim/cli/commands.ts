import type { CommandModule } from './command-module.js';

/**
 * The registry of top-level commands, by the name users type (also the file name under commands/).
 * Modules load lazily: `duetsim replay` imports only what replay needs, which keeps start-up short (it is
 * part of every replay's wall time). Adding a command is its file plus one line here.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  list: async () => (await import('./commands/list.js')).list,
  whatif: async () => (await import('./commands/whatif.js')).whatifCommand,
  merge: async () => (await import('./commands/merge.js')).mergeCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  replay: async () => (await import('./commands/replay.js')).replay,
  predict: async () => (await import('./commands/predict.js')).predict,
  calibrate: async () => (await import('./commands/calibrate.js')).calibrate,
  trace: async () => (await import('./commands/trace.js')).trace,
  table: async () => (await import('./commands/table.js')).table,
};
