import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appFiles } from '../../../test/support/app-files';

/**
 * The package's bundle carries the gateway, the worker and the broker script beside this file
 * (bundle/kit-bundle.ts); the build's output runs those of the repository.
 */
export function useKitFiles(dir = __dirname): void {
  if (!existsSync(join(dir, 'pos-worker.js'))) return;
  appFiles.gateway = join(dir, 'gateway.js');
  appFiles.worker = join(dir, 'pos-worker.js');
  appFiles.kafkaScript = join(dir, 'kafka', 'kafka.sh');
}
