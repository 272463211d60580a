import { redact } from '@wix-pos-gateway/cards';

/** Ends the process on a failure it cannot serve through, with the error redacted like any log line. */
export function crash(error: unknown): never {
  console.error(JSON.stringify({ level: 'fatal', pid: process.pid, error: redact(error) }));
  process.exit(1);
}

/** An uncaught exception or rejection ends the process the same way, never with raw card data. */
export function installCrashHandlers(): void {
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
