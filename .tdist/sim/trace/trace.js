/**
 * What a trace loader returns: one record per data line of the file, in file order, already checked.
 * Records keep the file's own timeline (the workload stage re-bases it to 0 and turns it into Request[]).
 */
/** The hashIds of every record without prefix hashes: one shared frozen array instead of one per row. */
export const NO_HASH_IDS = Object.freeze([]);
