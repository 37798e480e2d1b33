import { execFileSync } from 'node:child_process';
/** Whether `cmd --version` runs on this machine (nvcc, g++, python3: tests that need one skip, saying which, without it). */
export function hasTool(cmd) {
    try {
        execFileSync(cmd, ['--version'], { stdio: 'ignore' });
        return true;
    }
    catch {
        return false;
    }
}
