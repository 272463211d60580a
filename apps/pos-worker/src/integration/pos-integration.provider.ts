import { PosIntegration, PosLog } from '@wix-pos-gateway/pos-sdk';

/** The brand's POS integration, as loaded at start (see `load-integration.ts`). */
export abstract class LoadedIntegration {
  abstract readonly name: string;
  abstract readonly integration: PosIntegration;
  abstract readonly log: PosLog;
}
