/** TEST DOUBLE: the live feed, driven by the test (`emit`), in place of the browser's EventSource. */
import type { FeedHandlers, FeedNotice, FeedStatus, LiveFeedSource } from '../live/live-feed.js';

export class FakeFeed implements LiveFeedSource {
  readonly opened: string[] = [];
  private handlers: FeedHandlers | null = null;

  open(cursor: string, handlers: FeedHandlers): () => void {
    this.opened.push(cursor);
    this.handlers = handlers;
    handlers.status('live');
    return () => {
      if (this.handlers === handlers) this.handlers = null;
    };
  }

  emit(notice: FeedNotice): void {
    this.handlers?.change(notice);
  }

  checkpoint(): void {
    this.handlers?.checkpoint();
  }

  status(status: FeedStatus): void {
    this.handlers?.status(status);
  }

  get connected(): boolean {
    return this.handlers !== null;
  }
}
