import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from '../command-module.js';
import type { CliIo } from '../io.js';
import { InputError } from '../../core/input-error.js';
import { ReportInputError } from '../../../reports/report-input-error.js';
import { writeReportFromFiles } from '../../../reports/write-report.js';

export const reportCommand: CommandModule = {
  name: 'report',
  register: (program: Command, io: CliIo) => {
    program
      .command('report')
      .description('Write a self-contained HTML report (works offline) from results JSON, study JSONL and calibration validation files.')
      .argument('<files...>', 'results .json (duetsim replay --out), study .jsonl (duetsim whatif), calibration validation .json')
      .requiredOption('-o, --out <file.html>', 'HTML file to write')
      .action((files: string[], o: { out: string }) => {
        try {
          writeReportFromFiles(files.map((f) => resolve(io.cwd, f)), resolve(io.cwd, o.out));
        } catch (e) {
          // reports/ cannot import sim/, so it has its own error type of the same shape.
          if (e instanceof ReportInputError) throw new InputError(e.problems);
          throw e;
        }
        io.stderr(`report → ${o.out}\n`);
      });
  },
};
