import { resolve } from 'node:path';
import { CliExit } from '../io.js';
import { OutputSet } from '../output-file.js';
import { mergeStudyLogs } from '../../study/merge-logs.js';
import { readStudyLog } from '../../study/results-log.js';
export const mergeCommand = {
    name: 'merge',
    register: (program, io) => {
        program
            .command('merge')
            .description('Merge the JSONL files of a sharded study into one, refusing files of other studies and dropping repeated points.')
            .argument('<files...>', 'study JSONL files (shards)')
            .requiredOption('-o, --out <file>', 'merged JSONL file')
            .option('--allow-incomplete', 'write the merge even when a shard is missing or incomplete (each is still reported)')
            .action((files, o) => {
            // Checked before reading anything; the merged file appears only when complete. An input named
            // as the output would be truncated before it is read.
            const out = OutputSet.open([{ flag: '--out', path: o.out }], io.cwd, files).get('--out');
            try {
                const inputs = files.map((f) => ({ file: f, log: readStudyLog(resolve(io.cwd, f)) }));
                const merged = mergeStudyLogs(inputs);
                if (merged.incompleteShards.length > 0 && !o.allowIncomplete) {
                    throw new CliExit(2, `merge: ${merged.incompleteShards.join('; ')}; pass --allow-incomplete to merge what there is`);
                }
                for (const l of merged.lines)
                    out.write(JSON.stringify(l) + '\n');
                out.commit();
                for (const f of merged.partialFiles)
                    io.stderr(`note: ${f} ends in a partly written line, which was left out\n`);
                for (const m of merged.incompleteShards)
                    io.stderr(`note: ${m}\n`);
                io.stderr(`merged ${files.length} files: ${merged.lines.length} lines, ${merged.duplicates} duplicates dropped → ${o.out}\n`);
            }
            catch (e) {
                out.discard();
                throw e;
            }
        });
    },
};
