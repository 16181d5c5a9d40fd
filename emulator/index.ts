// The emulator's one entry for code outside emulator/ (the dev command, the benchmarks).
export type { ApplicationConfig, EmulatorConfig } from './config';
export { demoApplication } from './demo';
export { type Emulator, startEmulator } from './server';
