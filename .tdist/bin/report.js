import { resolve } from 'node:path';
import { reportHtmlFromFiles } from '../reports/write-report.js';
import { OutputSet } from '../sim/cli/output-file.js';
export const reportCommand = {
    name: 'report',
    register: (program, io) => {
        program
            .command('report')
            .description('Write a self-contained HTML report (works offline) from results JSON, study JSONL and calibration validation files.')
            .argument('<files...>', 'results .json (duetsim replay --out), study .jsonl (duetsim whatif), calibration validation .json')
            .requiredOption('-o, --out <file.html>', 'HTML file to write')
            .action(async (files, o) => {
            const html = OutputSet.open([{ flag: '--out', path: o.out }], io.cwd, files);
            await html.run((out) => out.get('--out').write(reportHtmlFromFiles(files.map((f) => resolve(io.cwd, f)))));
            io.stderr(`report → ${o.out}\n`);
        });
    },
};
