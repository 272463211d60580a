/**
 * How a setting reads its environment variable. `text` is undefined when the variable is unset
 * or empty. A problem completes the sentence "<VARIABLE> …" and never quotes the value: it may
 * be a secret.
 */
export interface Setting<T> {
  read(text: string | undefined): { value: T } | { problem: string };
  /** What a reference of the settings shows: the default, and the values it accepts. */
  readonly reference: SettingReference;
}

export interface SettingReference {
  /** As the environment would spell it; undefined when the setting has none. */
  default?: string;
  /** Without a default, and not optional: the integration refuses to start without it. */
  required: boolean;
  allowed: string;
}

/** Variable name → setting, as `readIntegrationConfig` takes them. */
export type Settings = Record<string, Setting<unknown>>;

/** The typed values of `Settings`. */
export type ConfigOf<S extends Settings> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/**
 * Reads an integration's settings from the worker's environment once, when it starts:
 *
 *     const config = readIntegrationConfig(env, {
 *       POS_URL: url(),
 *       TIMEOUT_MS: int({ default: 5000, min: 1 }),
 *       API_KEY: optional(text()),
 *     });
 *
 * Unset and empty variables take their defaults. Throws naming every bad variable, one a line,
 * so that a misconfigured worker stops before it takes orders.
 */
export function readIntegrationConfig<S extends Settings>(
  env: Readonly<Record<string, string | undefined>>,
  settings: S,
): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(settings)) {
    const text = env[name];
    const read = setting.read(text === '' ? undefined : text);
    if ('problem' in read) problems.push(`${name} ${read.problem}`);
    else config[name] = read.value;
  }
  if (problems.length > 0) throw new Error(`Invalid configuration\n  ${problems.join('\n  ')}`);
  return config as ConfigOf<S>;
}

const REQUIRED = { problem: 'is required' } as const;

/** Text; `minLength` and `pattern` narrow it. */
export function text(
  options: { default?: string; minLength?: number; pattern?: RegExp } = {},
): Setting<string> {
  const { minLength = 1 } = options;
  // Without `g` or `y`, `test` keeps no state between reads.
  const pattern =
    options.pattern &&
    new RegExp(options.pattern.source, options.pattern.flags.replace(/[gy]/g, ''));
  const allowed = [
    pattern ? `\`${pattern.source}\`` : undefined,
    minLength > 1 ? `at least ${minLength} characters` : undefined,
  ].filter(Boolean);
  return withDefault<string>(options.default, {
    read(value) {
      if (value === undefined)
        return options.default === undefined ? REQUIRED : { value: options.default };
      if (value.length < minLength)
        return { problem: `must be at least ${minLength} characters long` };
      if (pattern && !pattern.test(value)) return { problem: `must match ${pattern.source}` };
      return { value };
    },
    reference: referenceOf(options.default, allowed.join('; ') || 'text'),
  });
}

/** An integer, written in decimal digits. */
export function int(
  options: { default?: number; min?: number; max?: number } = {},
): Setting<number> {
  const { min, max } = options;
  const [words, symbols] =
    min !== undefined && max !== undefined
      ? [` from ${min} to ${max}`, ` ${min}–${max}`]
      : min !== undefined
        ? [` of at least ${min}`, ` ≥ ${min}`]
        : max !== undefined
          ? [` of at most ${max}`, ` ≤ ${max}`]
          : ['', ''];
  const fallback = options.default === undefined ? undefined : String(options.default);
  return withDefault<number>(fallback, {
    read(value) {
      if (value === undefined)
        return options.default === undefined ? REQUIRED : { value: options.default };
      const number = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
      const inRange =
        Number.isSafeInteger(number) &&
        (min === undefined || number >= min) &&
        (max === undefined || number <= max);
      return inRange ? { value: number } : { problem: `must be an integer${words}` };
    },
    reference: referenceOf(fallback, `integer${symbols}`),
  });
}

/**
 * An `http://` or `https://` URL without credentials, trailing slashes dropped so that paths
 * can be appended (`${config.POS_URL}/orders`).
 */
export function url(options: { default?: string } = {}): Setting<string> {
  return withDefault<string>(options.default, {
    read(value) {
      const text = value?.trim() ?? options.default;
      if (text === undefined) return REQUIRED;
      const parsed = parseUrl(text);
      return parsed
        ? { value: parsed.href.replace(/\/+$/, '') }
        : { problem: 'must be an http:// or https:// URL, without credentials' };
    },
    reference: referenceOf(options.default, 'an `http://` or `https://` URL'),
  });
}

/** `text` as a URL a setting takes: spelled out with `//`, a host, no credentials, no blanks. */
function parseUrl(text: string): URL | undefined {
  const authority = /^https?:\/\/([^/?#]*)/i.exec(text)?.[1];
  if (!authority || authority.includes('@') || /\s/.test(text)) return undefined;
  try {
    const parsed = new URL(text);
    return parsed.hostname === '' ? undefined : parsed;
  } catch {
    return undefined;
  }
}

/** One of a fixed set of words. */
export function oneOf<const T extends string>(
  values: readonly T[],
  options: { default?: NoInfer<T> } = {},
): Setting<T> {
  return withDefault<T>(options.default, {
    read(value) {
      if (value === undefined)
        return options.default === undefined ? REQUIRED : { value: options.default };
      return (values as readonly string[]).includes(value)
        ? { value: value as T }
        : { problem: `must be one of ${values.join(', ')}` };
    },
    reference: referenceOf(options.default, values.map((value) => `\`${value}\``).join(', ')),
  });
}

/** A setting that may stay unset: its value is then its default, or undefined without one. */
export function optional<T>(setting: Setting<T>): Setting<T | undefined> {
  const hasDefault = setting.reference.default !== undefined;
  return {
    read: (value) =>
      value === undefined && !hasDefault ? { value: undefined } : setting.read(value),
    reference: { ...setting.reference, required: false },
  };
}

/**
 * `setting`, once its default is shown to be a value it accepts: a bad one is a bug. An empty
 * default stands for "none", as an empty variable does.
 */
function withDefault<T>(fallback: string | undefined, setting: Setting<T>): Setting<T> {
  const read = fallback ? setting.read(fallback) : undefined;
  if (read && 'problem' in read) throw new Error(`the default ${fallback} ${read.problem}`);
  return setting;
}

function referenceOf(fallback: string | undefined, allowed: string): SettingReference {
  return { default: fallback, required: fallback === undefined, allowed };
}
