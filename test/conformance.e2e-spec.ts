import { resolve } from 'node:path';
import { conformanceSuite } from './conformance/conformance-suite';
import httpHarness from './conformance/harnesses/http.harness';
import ledgerHarness from './conformance/harnesses/ledger.harness';
import acmeHarness from '../examples/acme-pos/acme-pos.harness';

/** Both reference integrations, and the README's worked example, pass the conformance kit. */
conformanceSuite({ integration: 'ledger', harness: ledgerHarness });
conformanceSuite({ integration: 'http', harness: httpHarness });
conformanceSuite({
  integration: resolve(__dirname, '../examples/acme-pos/acme-pos.js'),
  harness: acmeHarness,
});
