/** An offered rate for people: capacity probes are bisection midpoints with long decimals; 4 significant digits suffice. */
export function formatRate(qps) {
    return String(Number(qps.toPrecision(4)));
}
