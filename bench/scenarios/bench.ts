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
  /**
   * The equal-load series: at each rate every path, `rounds` times,
   * interleaved, `roundSeconds` each; the highest rate every path sustains is
   * added. The first rate is also that of the hop and of the replicas.
   */
  rates: number[];
  rate: number;
  /** The rate of the CreateSession equal-load rounds. */
  sessionRate: number;
  rounds: number;
  roundSeconds: number;
  /** User sessions the memory scenario caches. */
  cachedSessions: number;
  /** `--only 1,2,3,4,E`: the scenarios to run, by the number or letter before their dot (a scenario needs those it builds on). */
  only?: string[];
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
  /** The equal-load series, rate by rate. */
  series: SeriesPoint[];
  /** Gateway ÷ (echo + signed undici POST) per CreateSession, in each round. */
  sessionRatios?: number[];
  /** CPU per GetUser spread over two applications ÷ all on one, in each round. */
  applicationRatios?: number[];
  /** The control: CPU per GetUser on the gateway of two applications with every call on one ÷ a gateway of one, in each round. */
  applicationControlRatios?: number[];
  /** The gateway of the GetUser scenarios, and a client package client on it. */
  gateway?: { process: GatewayProcess; client: GatewayClient; getUser: Call };
  /** The same lookup sent straight to the emulator with undici. */
  direct?: { pool: Pool; call: Call };
  /** The same lookup with the official SDK. */
  sdkGet?: Call;
  /** The bare gRPC echo server. */
  echo?: { child: ChildProcess; target: string; client: GatewayClient; getUser: Call };
}

/** One rate of the equal-load series: CPU per call of each path (medians of the rounds) and the ratio. */
export interface SeriesPoint {
  rate: number;
  /** The gateway with one upstream request per call, as the HTTP floor makes. */
  gatewayCpuUs: number;
  echoCpuUs: number;
  undiciCpuUs: number;
  /** Gateway ÷ (echo + undici): the median of the rounds' ratios, and each round's. */
  ratio: number;
  ratios: number[];
  /** The gateway as shipped (coalescing on): CPU per call and its ratio over the same floors. */
  shippedCpuUs: number;
  shippedRatio: number;
  /** Upstream requests per GetUser the gateway as shipped sent at this rate (coalescing shares requests). */
  upstreamPerCall: number;
  /** Every path kept the rate in every round, without an error. */
  sustained: boolean;
}

export interface Scenario {
  /** Its key (the number or letter before the dot, as `--only` names it), then what it measures. */
  name: string;
  /** The keys of the scenarios that set up what it needs: `--only` runs them too. */
  needs?: string[];
  run(bench: Bench): Promise<void>;
}

/** A scenario's key: `1`, `E`. */
export const keyOf = (scenario: Scenario): string => scenario.name.split('.')[0]!;

/** What a scenario needs from one that ran before it. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the benchmark needs ${what}, which an earlier scenario sets up`);
  return value;
}
