/**
 * A GPU kept open for a live run: step lines in, measured result lines out (calibrate/live/step-line.ts).
 * The CUDA addon's `openLive` handle is one (cuda/README.md "Live sessions"); `fake` is a stand-in that
 * answers with the latency model's own lanes, so the loop can be tested, and run, without a GPU.
 */
export interface LiveSession {
  step(stepJson: string): string;
  /** A stop was asked for (SIGINT/SIGTERM on the GPU session): the loop ends after this step and keeps what it measured. */
  interrupted(): boolean;
  meta(): string;
  close(): void;
}
