import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from '../command-module.js';
import type { CliIo } from '../io.js';
import { mergeStudyLogs } from '../../study/merge-logs.js';
import { readStudyLog } from '../../study/results-log.js';

export const mergeCommand: CommandModule = {
  name: 'merge',
  register: (program: Command, io: CliIo) => {
    program
      .command('merge')
      .description('Merge the JSONL files of a sharded study into one, refusing files of other studies and dropping repeated points.')
      .argument('<files...>', 'study JSONL files (shards)')
      .requiredOption('-o, --out <file>', 'merged JSONL file')
      .action((files: string[], o: { out: string }) => {
        const inputs = files.map((f) => {
          const file = resolve(io.cwd, f);
          return { file: f, log: readStudyLog(file) };
        });
        const merged = mergeStudyLogs(inputs);
        writeFileSync(resolve(io.cwd, o.out), merged.lines.map((l) => JSON.stringify(l) + '\n').join(''));
        for (const f of merged.partialFiles) io.stderr(`note: ${f} ends in a partly written line, which was left out\n`);
        io.stderr(`merged ${files.length} files: ${merged.lines.length} lines, ${merged.duplicates} duplicates dropped → ${o.out}\n`);
      });
  },
};
