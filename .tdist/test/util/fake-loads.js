/** Instances as a router sees them, with fixed loads: tokens[i] outstanding tokens and counts[i] requests. */
export function fakeLoads(tokens, counts = tokens.map(() => 0)) {
    return tokens.map((t, i) => ({ outstandingTokens: () => t, requestCount: () => counts[i] }));
}
