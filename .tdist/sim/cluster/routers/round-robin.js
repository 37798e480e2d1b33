/** Each request to the next instance in index order, regardless of load. */
export const roundRobin = {
    description: 'instances in turn, ignoring load',
    params: {},
    create() {
        let next = 0;
        return {
            name: 'round-robin',
            pick(_req, pool) {
                const i = next % pool.length;
                next = i + 1;
                return i;
            },
        };
    },
};
