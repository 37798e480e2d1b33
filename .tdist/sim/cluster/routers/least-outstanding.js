import { leastOutstandingIndex } from './router.js';
/**
 * The instance with the fewest outstanding tokens (prompt still to compute plus outputs still to
 * generate): join-the-shortest-queue measured in work rather than in requests, which matters when prompt
 * lengths vary by two orders of magnitude as they do in the Azure and Mooncake traces.
 */
export const leastOutstanding = {
    description: 'fewest outstanding tokens (prompt to compute + outputs to generate); ties to the lowest index',
    params: {},
    create() {
        return { name: 'least-outstanding', pick: (_req, pool) => leastOutstandingIndex(pool) };
    },
};
