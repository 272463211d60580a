import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles, REPOSITORY_ROOT } from './config-reference';

/** `npm run docs:config`: rewrites docs/configuration.md and the apps' `.env.example` files. */
async function main(): Promise<void> {
  for (const [file, text] of await generatedFiles(REPOSITORY_ROOT)) {
    writeFileSync(join(REPOSITORY_ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
