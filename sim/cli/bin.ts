#!/usr/bin/env node
import { runCli } from './main.js';
import { processIo } from './io.js';

// A reader that stops early (`duetsim ... | head`) closes the pipe: stop quietly, as Unix tools do, instead
// of dying on an unhandled EPIPE with a stack trace. Any other output error is still reported.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`duetsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
