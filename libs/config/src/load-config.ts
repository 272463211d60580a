import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * Reads an app's environment once, at start, into its validated config class; unset and empty
 * variables take the class's defaults. Throws with every bad variable named, so a
 * misconfigured process fails before it takes traffic.
 */
export function loadConfig<T extends object>(
  shape: new () => T,
  env: Record<string, string | undefined>,
): T {
  const { config, problems } = validateConfig(shape, env);
  if (problems.length > 0) throw invalidConfiguration(problems);
  return config;
}

/** `loadConfig` that returns the problems (`<VARIABLE>: <reason>`) instead of throwing. */
export function validateConfig<T extends object>(
  shape: new () => T,
  env: Record<string, string | undefined>,
): { config: T; problems: string[] } {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const config = plainToInstance(shape, set, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const problems = validateSync(config).map(
    (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`,
  );
  return { config, problems };
}

/** The error a misconfigured process stops with: every problem on its own line. */
export function invalidConfiguration(problems: string[]): Error {
  return new Error(`Invalid configuration\n  ${problems.join('\n  ')}`);
}

/** `@Transform` helper for integer variables. */
export function toInt({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
