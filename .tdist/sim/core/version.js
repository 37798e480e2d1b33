/**
 * duetsim's version, as `duetsim --version` prints it and results record it (`config.resolved.duetsim_version`),
 * so a report can say which simulator produced its numbers. Kept equal to package.json's version
 * (test/sim/core/version.test.ts checks).
 */
export const DUETSIM_VERSION = '0.1.0';
