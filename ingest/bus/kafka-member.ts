import type { Consumer } from 'kafkajs';

/** kafkajs' delay before restarting a crashed consumer when the error names none (its initialRetryTime). */
const DEFAULT_RESTART_DELAY_MS = 300;

/**
 * Stops a kafkajs consumer for good, whatever it is doing.
 *
 * kafkajs restarts a consumer that crashed on a retriable error (the broker went away) from a
 * timer, and `disconnect` during that restart is lost: it clears the timer, but once the timer
 * fired the new member is still joining, kafkajs' `Runner.stop` does nothing before the member
 * runs, and the member then joins and fetches on its own, keeping the process alive (writers
 * ignored SIGTERM after a broker restart; see also kafkajs#1147). So a stopping member never
 * restarts (`restartOnFailure`), and a stop that lands while a restart is under way waits until
 * that member has joined (or failed) before disconnecting it.
 */
export class ConsumerMember {
  private stopping = false;
  /** When the restart kafkajs scheduled begins (its timer fires); undefined when none is pending or under way. */
  private restartFromMs: number | undefined;
  private settled: (() => void) | undefined;
  private stopped: Promise<void> | undefined;

  /** For `kafka.consumer({ retry: { restartOnFailure } })`. */
  readonly restartOnFailure = async (): Promise<boolean> => !this.stopping;

  constructor(private readonly consumer: Consumer) {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const retryTime = (payload.error as { retryTime?: number }).retryTime;
      this.restartFromMs = payload.restart ? Date.now() + (retryTime ?? DEFAULT_RESTART_DELAY_MS) : undefined;
      this.settled?.();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.restartFromMs = undefined;
      this.settled?.();
    });
  }

  /** Leaves the group (the batch in flight finishes first); resolves within about `timeoutMs` in any case. */
  stop(timeoutMs: number): Promise<void> {
    return (this.stopped ??= this.leave(timeoutMs));
  }

  private async leave(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + timeoutMs;
    if (this.restartFromMs !== undefined && Date.now() >= this.restartFromMs) {
      await within(new Promise<void>((resolve) => (this.settled = resolve)), deadline - Date.now());
      // kafkajs marks the member running just after the join resolves: stop it after that.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // Past the deadline nothing unprocessed was committed: the next owner gets it again.
    await within(this.consumer.disconnect().catch(() => undefined), deadline - Date.now());
  }
}

function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]).finally(() => clearTimeout(timer));
}
