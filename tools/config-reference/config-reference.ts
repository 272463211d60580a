import { join } from 'node:path';
import { readVariables } from './read-variables';
import { renderEnvExample, renderReference, Section } from './render';
import { CONFIG_SOURCES } from './sources';

export const REFERENCE_FILE = 'docs/configuration.md';

/** Every generated file, by path from the repository root, with the text it should hold. */
export async function generatedFiles(root: string): Promise<Map<string, string>> {
  const sections: Section[] = CONFIG_SOURCES.map((source) => ({
    source,
    variables: readVariables(root, source),
  }));
  const files = new Map([[REFERENCE_FILE, await renderReference(root, sections)]]);
  for (const section of sections) {
    if (section.source.envExample) {
      files.set(section.source.envExample, renderEnvExample(section));
    }
  }
  return files;
}

/** The repository root, from this file's place in `dist/tools/config-reference`. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');
