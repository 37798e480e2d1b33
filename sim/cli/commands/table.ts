import { readTextFile } from '../../core/read-text.js';
import { resolve } from 'node:path';
import type { CommandModule } from '../command-module.js';
import { parseStudyLog } from '../../study/results-log.js';
import { DEFAULT_TABLE_METRICS, TABLE_METRICS, pivotTable, studyTable, toCsv, toMarkdown } from '../../study/study-table.js';
import { inputError } from '../../core/input-error.js';

export const table: CommandModule = {
  name: 'table',
  register(program, io) {
    program
      .command('table')
      .description('print a study results file (whatif JSONL) as a Markdown or CSV table, one row per point')
      .argument('<study.jsonl>', 'results of duetsim whatif')
      .option('--metrics <list>', `comma-separated columns (${Object.keys(TABLE_METRICS).join(', ')})`, DEFAULT_TABLE_METRICS.join(','))
      .option('--pivot <axis>', 'one column per value of this axis (e.g. rateQps), showing the first metric')
      .option('--csv', 'CSV instead of Markdown')
      .action((file: string, o: { metrics: string; pivot?: string; csv?: boolean }) => {
        const metrics = o.metrics.split(',').map((m) => m.trim());
        for (const m of metrics) {
          if (!(m in TABLE_METRICS)) throw inputError('bad-flag', '<command line>', 0, '--metrics', `unknown metric '${m}'; valid: ${Object.keys(TABLE_METRICS).join(', ')}`);
        }
        const path = resolve(io.cwd, file);
        const text = readTextFile(path, file);
        const lines = parseStudyLog(text, file).lines;
        if (o.pivot !== undefined) {
          // A name that is not an axis of this study would pivot every point into one empty-valued column.
          const axes = [...new Set(lines.flatMap((l) => (l.kind === 'point' ? Object.keys(l.coords) : [])))];
          if (!axes.includes(o.pivot)) throw inputError('bad-flag', '<command line>', 0, '--pivot', `'${o.pivot}' is not an axis of ${file}; its axes: ${axes.length > 0 ? axes.join(', ') : 'none (no points)'}`);
        }
        const t = o.pivot ? pivotTable(lines, metrics[0], o.pivot) : studyTable(lines, metrics);
        io.stdout(o.csv ? toCsv(t) : toMarkdown(t));
      });
  },
};
