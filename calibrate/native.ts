import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CUDA addon (cuda/binding/duet_addon.cpp, built by `npm run build:native` into
 * cuda/build/duet_addon.node). It runs measurement plans on this machine's GPU through the same core as
 * the standalone `duet_runner`. Nothing else in the package needs it: a machine without a GPU never loads it.
 */
export interface DuetAddon {
  /** Runs a plan, writing JSONL to outPath; resolves to the number of experiments run. */
  runPlan(
    planJson: string,
    outPath: string,
    onProgress?: (line: string) => void,
    options?: { readonly resume?: boolean; readonly planName?: string },
  ): Promise<number>;
  /**
   * Runs a duetsim-exec plan (a simulated schedule, calibrate/closed-loop/exec-plan.ts) step by step on the
   * GPU, writing measured step times as JSONL; resolves to the number of steps run.
   */
  executeSchedule(
    planJsonl: string,
    outPath: string,
    onProgress?: (line: string) => void,
    options?: { readonly resume?: boolean; readonly planName?: string; readonly maxSeconds?: number },
  ): Promise<number>;
  /** The fixed kernel check suite (fp64 references); one JSON line per check. */
  runChecks(seed?: number, onProgress?: (line: string) => void): Promise<{ passed: boolean; lines: string[] }>;
  /** The meta line (GPU, driver, CUDA, SM split) as JSON text. */
  deviceInfo(): string;
  /** Opens a live session (calibrate/live/live-header.ts header as JSON); synchronous; throws on a bad header or one that does not fit the GPU. */
  openLive(headerJson: string, onProgress?: (line: string) => void): LiveHandle;
}

/** A live session (issue 15): the GPU executor kept open while the simulator's scheduler drives it step by step. */
export interface LiveHandle {
  /** One duetsim-exec step line in, one measured result line out (JSON text). Synchronous. */
  step(stepJson: string): string;
  /** SIGINT/SIGTERM arrived since the session opened (the loop should stop and keep what it measured). */
  interrupted(): boolean;
  /** The session's meta line (GPU, driver, CUDA, clocks, KV pool) as JSON text. */
  meta(): string;
  close(): void;
}

export const ADDON_BUILD_HINT = 'build it on a CUDA machine with `npm run build:native` (cuda/build-addon.sh; needs CUDA 13, cuBLASLt and CMake)';

/** Raised when the addon is absent or unusable; the message says where it looked and how to build it. */
export class AddonUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddonUnavailableError';
  }
}

/** The package root: dist/calibrate/native.js sits two folders below it. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export function addonPath(root: string = packageRoot()): string {
  return join(root, 'cuda', 'build', 'duet_addon.node');
}

const EXPORTS = ['runPlan', 'executeSchedule', 'runChecks', 'deviceInfo', 'openLive'] as const;

/**
 * Loads the addon from `root`/cuda/build. Fails with an AddonUnavailableError naming the path when it is
 * missing, does not load (wrong platform, missing libcudart/libcublasLt) or lacks an export.
 */
export function loadAddon(root: string = packageRoot()): DuetAddon {
  const path = addonPath(root);
  if (!existsSync(path)) throw new AddonUnavailableError(`CUDA addon not found at ${path}; ${ADDON_BUILD_HINT}`);
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)(path);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new AddonUnavailableError(`CUDA addon at ${path} did not load: ${why}; ${ADDON_BUILD_HINT}`);
  }
  return asDuetAddon(mod, path);
}

/** Checks that a loaded module has every export this package calls (an old build may not). */
export function asDuetAddon(mod: unknown, path: string): DuetAddon {
  const missing = EXPORTS.filter((k) => typeof (mod as Record<string, unknown> | null)?.[k] !== 'function');
  if (missing.length > 0) throw new AddonUnavailableError(`CUDA addon at ${path} lacks ${missing.join(', ')}; rebuild it (${ADDON_BUILD_HINT})`);
  return mod as DuetAddon;
}
