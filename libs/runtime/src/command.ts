/** Bad usage of a command: exits 2 with the usage text. */
export class UsageError extends Error {}

/**
 * Runs a command-line entry point: exits with `main`'s code, 2 with the usage text on bad
 * usage (a `UsageError`, or an option `util.parseArgs` rejects), 1 on any other failure.
 */
export function runCommand(main: () => Promise<number>, usage: string): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const code = (error as { code?: unknown } | undefined)?.code;
      const badUsage =
        error instanceof UsageError ||
        (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
      console.error(error instanceof Error ? error.message : error);
      if (badUsage) console.error(`\n${usage}`);
      process.exit(badUsage ? 2 : 1);
    },
  );
}
