import { CliExit } from '../../sim/cli/io.js';
import { AddonUnavailableError } from '../native.js';
/**
 * Runs a command that needs the GPU build (`calibrate run`, `calibrate execute`). A missing or unusable
 * addon/runner is the user's setup, not a bug: exit 1 with the message that says how to build it.
 */
export async function gpuCommand(run) {
    try {
        await run();
    }
    catch (e) {
        throw e instanceof AddonUnavailableError ? new CliExit(1, e.message) : e;
    }
}
