import type { Page } from '../../core/hub/hubApi';

/** Whether an error message is the Hub client's "cannot reach the Hub". */
export function isOffline(error: string | undefined): boolean {
  return Boolean(error && /^Cannot reach the Hub/.test(error));
}

/**
 * The pages of one Hub search as a tree shows them: the first page on demand, "Load more" from the
 * Link header, and a reload per new query. A page that arrives for an older query is dropped.
 */
export class HubPages<T extends { id: string }> {
  items: T[] = [];
  next: string | undefined;
  loaded = false;
  error: string | undefined;
  private loading: Promise<void> | undefined;
  /** Bumped by every reload: a page that arrives for an older query is dropped. */
  private generation = 0;
  /** For tests: settles when the current load is done. */
  lastLoad: Promise<void> = Promise.resolve();

  constructor(
    private readonly fetchPage: (next?: string) => Promise<Page<T>>,
    /** After every load, with the error if it failed. */
    private readonly onLoaded: (error: string | undefined) => void,
  ) {}

  reload(): Promise<void> {
    this.generation++;
    this.items = [];
    this.next = undefined;
    this.loaded = false;
    this.loading = undefined;
    return this.load();
  }

  loadMore(): Promise<void> {
    return this.next ? this.load(this.next) : Promise.resolve();
  }

  load(next?: string): Promise<void> {
    const gen = this.generation;
    this.loading ??= (async () => {
      try {
        const page = await this.fetchPage(next);
        if (gen !== this.generation) return;
        const seen = new Set(this.items.map((m) => m.id));
        this.items.push(...page.items.filter((m) => !seen.has(m.id)));
        this.next = page.next;
        this.error = undefined;
      } catch (err) {
        if (gen !== this.generation) return;
        this.error = (err as Error).message;
      } finally {
        if (gen === this.generation) {
          this.loaded = true;
          this.loading = undefined;
          this.onLoaded(this.error);
        }
      }
    })();
    this.lastLoad = this.loading;
    return this.loading;
  }
}
