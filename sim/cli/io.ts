/** The CLI's view of the outside world, so tests can run commands in-process and read what they print. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress bars only then. */
  readonly isTty: boolean;
  readonly cwd: string;
}

export const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});

/** Thrown by a command to end with a message and exit code, without a stack trace. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
