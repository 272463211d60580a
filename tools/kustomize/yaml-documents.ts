import { parseAllDocuments, ScalarTag } from 'yaml';

/** `0644`: an octal number to kustomize (Go's YAML), a decimal one in YAML 1.2. */
const LEGACY_OCTAL: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^0[0-7]+$/,
  resolve: (text) => parseInt(text, 8),
};

/**
 * The documents of a YAML stream, with scalars read as kustomize reads resources and patches:
 * YAML 1.2 (an unquoted `on` is a string, `true` a boolean), and a number with a leading 0
 * octal. A kustomization.yaml itself kustomize reads as YAML 1.1, where `on`, `yes` and `y` are
 * booleans: `kustomization` says which. Empty documents are left out.
 */
export function parseYamlDocuments(text: string, source: string, kustomization = false): unknown[] {
  const documents = parseAllDocuments(
    text,
    kustomization ? { version: '1.1' } : { customTags: (tags) => [LEGACY_OCTAL, ...tags] },
  );
  const values: unknown[] = [];
  for (const document of documents) {
    const [error] = document.errors;
    if (error) throw new Error(`${source}: ${error.message}`);
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}
