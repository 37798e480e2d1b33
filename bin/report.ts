import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from '../sim/cli/command-module.js';
import type { CliIo } from '../sim/cli/io.js';
import { reportHtmlFromTexts } from '../reports/write-report.js';
import { readTextFile } from '../sim/core/read-text.js';
import { OutputSet } from '../sim/cli/output-file.js';

export const reportCommand: CommandModule = {
  name: 'report',
  register: (program: Command, io: CliIo) => {
    program
      .command('report')
      .description('Write a self-contained HTML report (works offline) from results JSON, study JSONL and calibration validation files.')
      .argument('<files...>', 'results .json (duetsim replay --out), study .jsonl (duetsim whatif), calibration validation .json')
      .requiredOption('-o, --out <file.html>', 'HTML file to write')
      .action(async (files: string[], o: { out: string }) => {
        const html = OutputSet.open([{ flag: '--out', path: o.out }], io.cwd, files);
        // Read as checked input: a missing file, a folder, binary or compressed data is a located error (gzip is read
        // through, as traces are), never a stack trace.
        await html.run((out) => {
          const texts = files.map((f) => {
            const file = resolve(io.cwd, f);
            return { file, text: readTextFile(file, f, { gunzip: true }) };
          });
          out.get('--out')!.write(reportHtmlFromTexts(texts));
        });
        io.stderr(`report → ${o.out}\n`);
      });
  },
};
