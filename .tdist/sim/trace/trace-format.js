/**
 * Problems a trace parser lists before it only counts the rest: a file in the wrong format is wrong on
 * every one of its thousands of lines, and twenty lines say so as well as all of them.
 */
export const MAX_TRACE_PROBLEMS = 20;
