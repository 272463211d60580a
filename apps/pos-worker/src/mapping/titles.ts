/** An openrest localized string: `{"en_US": "Cheeseburger", ...}`. */
export type LocalizedTitle = Record<string, unknown>;

/** English if there is one, else the first locale's text. */
export function titleOf(title: LocalizedTitle | undefined, fallback: string): string {
  if (!title || typeof title !== 'object') return fallback;
  const text = title.en_US ?? Object.values(title).find((value) => typeof value === 'string');
  return typeof text === 'string' && text !== '' ? text : fallback;
}
