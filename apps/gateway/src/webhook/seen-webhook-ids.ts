/** Ids remembered per brand; past it the oldest is forgotten, so a flood cannot exhaust memory. */
export const MAX_SEEN_IDS_PER_BRAND = 100_000;

/**
 * The `webhook-id`s of signed calls this gateway has taken, per brand, each until its signed
 * timestamp leaves the tolerance window: from then on the timestamp check alone refuses a replay
 * of that call, so remembering the id any longer protects nothing.
 *
 * Kept in this process only: a replay sent to another gateway instance is not caught here (the
 * worker's ledger still takes each Wix order once).
 */
export class SeenWebhookIds {
  private readonly brands = new Map<string, BrandIds>();

  constructor(private readonly maxPerBrand = MAX_SEEN_IDS_PER_BRAND) {}

  /** Remembers the id and says whether it is new; `false` means a replay within the window. */
  firstSighting(brand: string, id: string, forgetAtMs: number, nowMs: number): boolean {
    let ids = this.brands.get(brand);
    if (ids === undefined) {
      ids = new BrandIds(this.maxPerBrand);
      this.brands.set(brand, ids);
    }
    return ids.firstSighting(id, forgetAtMs, nowMs);
  }

  /** How many ids of a brand are remembered. */
  size(brand: string): number {
    return this.brands.get(brand)?.size ?? 0;
  }
}

interface Sighting {
  id: string;
  forgetAtMs: number;
}

/**
 * One brand's ids: a map to look them up, and their sightings in arrival order to forget the
 * oldest. Forgetting walks an array, not the map: a Map iterated from the front after many
 * deletions skips every deleted slot, and would cost a scan per call under a flood.
 */
class BrandIds {
  private readonly ids = new Map<string, number>();
  private sightings: Sighting[] = [];
  private oldest = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.ids.size;
  }

  firstSighting(id: string, forgetAtMs: number, nowMs: number): boolean {
    this.forgetExpired(nowMs);
    const known = this.ids.get(id);
    if (known !== undefined && known > nowMs) return false;
    this.ids.set(id, forgetAtMs);
    this.sightings.push({ id, forgetAtMs });
    if (this.sightings.length - this.oldest > this.max) this.forgetOldest();
    return true;
  }

  /**
   * Forgets from the oldest on, up to the first live one. Expiry follows the signed timestamps,
   * which need not follow arrival order: an expired id behind a live one stays until it reaches
   * the front, and `firstSighting` ignores it meanwhile.
   */
  private forgetExpired(nowMs: number): void {
    while (this.oldest < this.sightings.length && this.sightings[this.oldest].forgetAtMs <= nowMs) {
      this.forgetOldest();
    }
  }

  private forgetOldest(): void {
    const { id, forgetAtMs } = this.sightings[this.oldest];
    // An id seen again after it expired has a newer sighting: only the newest one forgets it.
    if (this.ids.get(id) === forgetAtMs) this.ids.delete(id);
    this.oldest += 1;
    if (this.oldest > this.max) {
      this.sightings = this.sightings.slice(this.oldest);
      this.oldest = 0;
    }
  }
}
