import { conformanceSuite } from './conformance-suite';
import { loadHarness } from './harness-module';
import { readKitOptions } from './kit-options';
import { useKitFiles } from './kit-files';

/**
 * The checks, as a file of Node's test runner: `pos-conformance` runs it with the broker and
 * database of the run in KAFKA_BROKERS and DATABASE_URL, and the command's own arguments.
 */
const options = readKitOptions(process.argv.slice(2));
if (options) {
  useKitFiles();
  conformanceSuite({ ...options, harness: loadHarness(options.harness) });
}
