#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { runCli } from './main.js';
import { processIo } from '../sim/cli/io.js';
// A replay keeps a small live set (about 100 MB for 194k requests) but retires every request's state as
// it finishes; with V8's default heap growth the old generation reached 4× the live set before a full
// collection (512 MB peak RSS for the Azure trace tiled 10×, duetserve). Growing the heap by at most 25%
// between full collections keeps the peak near the live set (259 MB) for about 10–20% more wall time;
// BENCHMARKS.md, "Memory with every output on". V8 reads this factor at each collection, so setting
// it here, before the work starts, takes effect. A value given on node's command line wins.
if (!process.execArgv.some((a) => a.includes('heap-growing-percent')))
    setFlagsFromString('--heap-growing-percent=25');
// A reader that stops early (`duetsim ... | head`) closes the pipe: stop quietly, as Unix tools do, instead
// of dying on an unhandled EPIPE with a stack trace. Any other output error is still reported.
process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE')
        process.exit(0);
    throw e;
});
runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
}, (e) => {
    process.stderr.write(`duetsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
});
