import type { GpuProbe } from './types';

export type Sampler = () => Promise<GpuProbe>;

/**
 * Polls the GPU on a timer with at most one sample in flight, and none while the window is
 * unfocused. The next sample is scheduled only after the previous one settles, so a slow or hung
 * nvidia-smi (killed by its own timeout) can never pile up processes.
 */
export class GpuPoller {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<GpuProbe> | undefined;
  private focused = true;
  private disposed = false;

  constructor(
    private readonly sample: Sampler,
    private readonly onResult: (probe: GpuProbe) => void,
    private intervalMs: number,
  ) {}

  /** Starts (or restarts) the schedule with a sample now. */
  start(): void {
    void this.pollNow();
  }

  setIntervalMs(ms: number): void {
    this.intervalMs = ms;
    this.reschedule();
  }

  setFocused(focused: boolean): void {
    if (focused === this.focused) return;
    this.focused = focused;
    if (focused) void this.pollNow();
    else this.clearTimer();
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** A sample now; joins the one already running instead of starting a second. */
  pollNow(): Promise<GpuProbe> {
    if (this.inFlight) return this.inFlight;
    this.clearTimer();
    const run = this.sample()
      .then((probe) => {
        if (!this.disposed) this.onResult(probe);
        return probe;
      })
      .finally(() => {
        this.inFlight = undefined;
        this.reschedule();
      });
    this.inFlight = run;
    return run;
  }

  private reschedule(): void {
    this.clearTimer();
    if (this.disposed || !this.focused || this.intervalMs <= 0 || this.inFlight) return;
    this.timer = setTimeout(() => void this.pollNow(), this.intervalMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }
}
