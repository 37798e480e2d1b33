export function nelderMead(f, start, opts) {
    const dim = start.length;
    let evaluations = 0;
    const evalAt = (x) => {
        evaluations++;
        const v = f(x);
        return Number.isNaN(v) ? Infinity : v;
    };
    const pts = [start.slice()];
    for (let i = 0; i < dim; i++) {
        const p = start.slice();
        p[i] += opts.step[i];
        pts.push(p);
    }
    let vals = pts.map(evalAt);
    const order = () => {
        const idx = pts.map((_, i) => i).sort((a, b) => vals[a] - vals[b] || a - b);
        const p2 = idx.map((i) => pts[i]);
        const v2 = idx.map((i) => vals[i]);
        pts.splice(0, pts.length, ...p2);
        vals = v2;
    };
    const along = (from, to, t) => from.map((v, i) => v + t * (to[i] - v));
    while (evaluations < opts.maxEvaluations) {
        order();
        if (vals[dim] - vals[0] <= opts.fTolerance)
            break;
        const centroid = new Array(dim).fill(0);
        for (let i = 0; i < dim; i++)
            for (let j = 0; j < dim; j++)
                centroid[j] += pts[i][j] / dim;
        const worst = pts[dim];
        const reflected = along(centroid, worst, -1);
        const fr = evalAt(reflected);
        if (fr < vals[0]) {
            const expanded = along(centroid, worst, -2);
            const fe = evalAt(expanded);
            if (fe < fr)
                [pts[dim], vals[dim]] = [expanded, fe];
            else
                [pts[dim], vals[dim]] = [reflected, fr];
            continue;
        }
        if (fr < vals[dim - 1]) {
            [pts[dim], vals[dim]] = [reflected, fr];
            continue;
        }
        // Contract towards the better of the worst point and its reflection.
        const outside = fr < vals[dim];
        const contracted = along(centroid, outside ? reflected : worst, 0.5);
        const fc = evalAt(contracted);
        if (fc < (outside ? fr : vals[dim])) {
            [pts[dim], vals[dim]] = [contracted, fc];
            continue;
        }
        for (let i = 1; i <= dim; i++) {
            pts[i] = along(pts[0], pts[i], 0.5);
            vals[i] = evalAt(pts[i]);
        }
    }
    order();
    return { x: pts[0], value: vals[0], evaluations };
}
