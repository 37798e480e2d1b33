export const processIo = () => ({
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
});
/** Thrown by a command to end with a message and exit code, without a stack trace. */
export class CliExit extends Error {
    exitCode;
    constructor(exitCode, message) {
        super(message);
        this.exitCode = exitCode;
    }
}
