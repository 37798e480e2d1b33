import { ProblemList } from '../input/problem-list.js';
import { lineKey } from './results-log.js';
import { canonicalJson } from './stable-hash.js';
/**
 * Merges shard files of one study: lines in file order, each point or capacity setting kept once.
 * Files of different studies are refused, naming the first line that differs from the first file's
 * study; so are two lines for one point with different results, naming both places.
 */
export function mergeStudyLogs(inputs) {
    // Problems name the shard file they are in; the list's own file is never used.
    const problems = new ProblemList('');
    let study = null;
    for (const { file, log } of inputs) {
        const first = log.lines[0];
        if (first === undefined)
            continue;
        if (study === null)
            study = { hash: first.study, name: first.study_name, file };
        const i = log.lines.findIndex((l) => l.study !== study.hash);
        if (i >= 0) {
            const other = log.lines[i];
            problems.push({
                code: 'merge-other-study', file, line: i + 1, column: 0, field: 'study',
                message: `line belongs to study '${other.study_name}' (${other.study}), but ${study.file} is study '${study.name}' (${study.hash}); merge only shards of one study`,
            });
        }
    }
    problems.throwIfAny();
    // Runs are deterministic, so two lines for one point agree; when they do not (a file edited by hand,
    // results of another duetsim version) keeping whichever came first would hide it.
    const seen = new Map();
    const lines = [];
    let duplicates = 0;
    for (const { file, log } of inputs) {
        log.lines.forEach((l, i) => {
            const key = lineKey(l);
            const content = canonicalJson(l.kind === 'point' ? { summary: l.summary, cdf: l.cdf } : { capacity: l.capacity });
            const first = seen.get(key);
            if (first === undefined) {
                seen.set(key, { file, line: log.lineNumbers[i], content });
                lines.push(l);
            }
            else if (first.content === content)
                duplicates++;
            else {
                problems.push({
                    code: 'merge-conflict', file, line: log.lineNumbers[i], column: 0, field: l.kind === 'point' ? 'summary' : 'capacity',
                    message: `${l.kind === 'point' ? 'point' : 'capacity setting'} ${describe(l)} has other results than ${first.file}:${first.line}; rerun it, or merge only one of the two`,
                });
            }
        });
    }
    problems.throwIfAny();
    return { lines, duplicates, partialFiles: inputs.filter((i) => i.log.partialTail).map((i) => i.file), incompleteShards: incompleteShards(lines) };
}
function describe(l) {
    const coords = Object.entries(l.coords).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    return coords === '' ? (l.kind === 'point' ? l.point_id : l.setting_id) : `(${coords})`;
}
/**
 * Shards of a sharded study that the merged lines do not cover in full: each line says which shard it
 * came from and how many units that shard holds. A shard with no line at all is reported when the
 * other shards' sizes prove it is not empty (shard i of n holds units i, i+n, …, so a grid of N units
 * leaves shard i empty only when N < i).
 */
function incompleteShards(lines) {
    const tags = lines.flatMap((l) => (l.shard ? [l.shard] : []));
    if (tags.length === 0)
        return [];
    const counts = [...new Set(tags.map((t) => t.count))];
    if (counts.length > 1)
        return [`the files come from different shardings (${counts.map((n) => `n=${n}`).join(', ')}), so completeness cannot be checked`];
    const n = counts[0];
    const found = new Map();
    for (const l of lines) {
        if (!l.shard)
            continue;
        const entry = found.get(l.shard.index) ?? { units: l.shard.units, unit: l.shard.unit, keys: new Set() };
        found.set(l.shard.index, entry);
        if (l.kind === l.shard.unit)
            entry.keys.add(lineKey(l));
    }
    // The grid holds at least this many units, from the sizes of the shards present.
    let minUnits = 0;
    for (const [index, f] of found)
        minUnits = Math.max(minUnits, (f.units - 1) * n + index);
    const out = [];
    for (let index = 1; index <= n; index++) {
        const f = found.get(index);
        if (f === undefined) {
            if (index <= minUnits)
                out.push(`shard ${index}/${n} is missing (no file holds any of its results)`);
        }
        else if (f.keys.size < f.units) {
            out.push(`shard ${index}/${n} is incomplete: ${f.keys.size} of ${f.units} ${f.unit === 'point' ? 'points' : 'capacity settings'} (resume it with whatif --shard ${index}/${n} --resume)`);
        }
    }
    return out;
}
