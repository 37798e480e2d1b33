/**
 * The registry of top-level commands, by the name users type (also the file name of the command:
 * sim/cli/commands/<name>.ts, calibrate/cli/<name>.ts, bin/<name>.ts). This is the composition root: it sits
 * above sim/, calibrate/ and reports/ (test/layering.test.ts checks that nothing below imports upward), so it
 * hands reports/' HTML pages to the commands that write them. Modules load lazily: `duetsim replay` imports
 * only what replay needs, which keeps start-up short (it is part of every replay's wall time). Adding a
 * command is its file plus one line here.
 */
export const COMMANDS = {
    list: async () => (await import('../sim/cli/commands/list.js')).list,
    whatif: async () => (await import('../sim/cli/commands/whatif.js')).whatifCommand,
    merge: async () => (await import('../sim/cli/commands/merge.js')).mergeCommand,
    report: async () => (await import('./report.js')).reportCommand,
    replay: async () => (await import('../sim/cli/commands/replay.js')).makeReplayCommand(async () => (await import('../reports/write-report.js')).reportHtmlForResult),
    'serve-gpu': async () => (await import('../calibrate/cli/serve-gpu.js')).makeServeGpuCommand(async () => (await import('../reports/write-report.js')).reportHtmlForResult),
    predict: async () => (await import('../sim/cli/commands/predict.js')).predict,
    calibrate: async () => {
        const [{ makeCalibrateCommand }, pages] = await Promise.all([import('../calibrate/cli/calibrate.js'), import('../reports/write-report.js')]);
        return makeCalibrateCommand(pages);
    },
    trace: async () => (await import('../sim/cli/commands/trace.js')).trace,
    table: async () => (await import('../sim/cli/commands/table.js')).table,
};
