import { roundRobin } from './round-robin.js';
import { leastOutstanding } from './least-outstanding.js';
import { powerOfTwo } from './power-of-two.js';
import { prefixAffinity } from './prefix-affinity.js';
/**
 * Every router by the name a cluster YAML writes (`router: least-outstanding`). The key is also the file
 * name under sim/cluster/routers/. Adding a router: its file plus one line here.
 */
export const ROUTERS = {
    'round-robin': roundRobin,
    'least-outstanding': leastOutstanding,
    'power-of-two': powerOfTwo,
    'prefix-affinity': prefixAffinity,
};
export const ROUTER_NAMES = Object.keys(ROUTERS);
