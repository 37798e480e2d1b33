const BAR_WIDTH = 30;
const TTY_REDRAW_MS = 100;
export function formatDuration(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60)
        return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 60)
        return `${m}m${String(s % 60).padStart(2, '0')}s`;
    return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
/** Share done (0..1) counting the in-flight runs' partial progress; capped below 1 until all are done. */
export function doneShare(p) {
    if (p.total === 0)
        return 1;
    if (p.done >= p.total)
        return 1;
    return Math.min((p.done + p.inFlightFrac) / p.total, 0.999);
}
/** ETA from the rate so far; null until there is something to extrapolate from. */
export function etaMs(share, elapsedMs) {
    if (share <= 0 || share >= 1)
        return null;
    return (elapsedMs * (1 - share)) / share;
}
export function formatProgressLine(p, elapsedMs, withBar) {
    const share = doneShare(p);
    const eta = etaMs(share, elapsedMs);
    const filled = Math.round(share * BAR_WIDTH);
    const bar = withBar ? `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ` : '';
    const pct = `${String(Math.floor(share * 100)).padStart(3)}%`;
    const etaText = eta === null ? '' : ` ETA ${formatDuration(eta)}`;
    return `${bar}${pct} ${p.done}/${p.total} done, ${p.runs} runs, ${formatDuration(elapsedMs)} elapsed${etaText}`;
}
export function progressSink(write, mode, nowMs, plainEveryMs = 10_000) {
    const startedMs = nowMs();
    let lastMs = -Infinity;
    let drawn = false;
    return {
        update: (p) => {
            if (mode === 'quiet')
                return;
            const t = nowMs();
            const final = p.done >= p.total;
            if (!final && t - lastMs < (mode === 'tty' ? TTY_REDRAW_MS : plainEveryMs))
                return;
            lastMs = t;
            if (mode === 'tty') {
                write(`\r${formatProgressLine(p, t - startedMs, true)}\x1b[K`);
                drawn = true;
            }
            else
                write(`${formatProgressLine(p, t - startedMs, false)}\n`);
        },
        finish: () => {
            if (drawn)
                write('\n');
            drawn = false;
        },
    };
}
