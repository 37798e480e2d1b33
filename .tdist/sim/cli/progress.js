/**
 * Progress on stderr: a redrawn bar with ETA on a terminal, nothing when piped (results stay clean).
 */
export function progressReporter(io, label, enabled) {
    if (!enabled || !io.isTty)
        return { update: () => { }, done: () => { } };
    const t0 = performance.now();
    let last = -1;
    return {
        update(frac) {
            const pct = Math.floor(frac * 100);
            if (pct === last)
                return;
            last = pct;
            const elapsed = (performance.now() - t0) / 1000;
            const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : 0;
            const width = 30;
            const fill = Math.round(frac * width);
            io.stderr(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}% ETA ${eta.toFixed(1)} s `);
        },
        done() {
            if (last >= 0)
                io.stderr('\n');
        },
    };
}
