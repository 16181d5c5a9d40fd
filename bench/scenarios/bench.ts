import type { ChildProcess } from 'node:child_process';
import type { Pool } from 'undici';
import type { GatewayClient } from '../../clients/src';
import type { EmulatorInfo, GatewayProcess } from '../lib/gateway-process';
import type { Row } from '../lib/rows';

/** How long and how hard every scenario runs: `npm run bench` (short) or `-- --full`. */
export interface BenchSettings {
  full: boolean;
  /** Seconds of each closed-loop window, after `warmup` seconds. */
  seconds: number;
  warmup: number;
  /** Calls in flight. */
  concurrency: number;
  /** The equal-load rounds: every path at `rate` calls/s, `rounds` times, interleaved, `roundSeconds` each. */
  rate: number;
  rounds: number;
  roundSeconds: number;
  /** User sessions the memory scenario caches. */
  cachedSessions: number;
}

/** A call the equal-load rounds can pace. */
export type Call = () => Promise<unknown>;

/**
 * What the scenarios share, in the order they run: the settings, the emulator,
 * the rows so far, the values the verdicts are drawn from, and the paths an
 * earlier scenario set up for a later one.
 */
export interface Bench {
  settings: BenchSettings;
  log(line: string): void;
  /** ghz, when installed: the gRPC paths are then driven by it. */
  ghzBin?: string;
  emulator: EmulatorInfo;
  /** The emulator's certificate (PEM). */
  ca: string;
  rows: Row[];
  equalRows: Row[];
  /** Figures for the verdicts, by name. */
  figures: Record<string, number>;
  /** Gateway CPU ÷ (echo CPU + undici CPU) in each equal-load round. */
  roundRatios: number[];
  /** The gateway of the GetUser scenarios, and a client package client on it. */
  gateway?: { process: GatewayProcess; client: GatewayClient; getUser: Call };
  /** The same lookup sent straight to the emulator with undici. */
  direct?: { pool: Pool; call: Call };
  /** The same lookup with the official SDK. */
  sdkGet?: Call;
  /** The bare gRPC echo server. */
  echo?: { child: ChildProcess; target: string; client: GatewayClient };
}

export interface Scenario {
  name: string;
  run(bench: Bench): Promise<void>;
}

/** What a scenario needs from one that ran before it. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the benchmark needs ${what}, which an earlier scenario sets up`);
  return value;
}
