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
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const config = plainToInstance(shape, set, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const problems = errors.map(
      (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`,
    );
    throw new Error(`Invalid configuration\n  ${problems.join('\n  ')}`);
  }
  return config;
}

/** `@Transform` helper for integer variables. */
export function toInt({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
