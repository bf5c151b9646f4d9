/**
 * The page's plots: a live time plot of the chosen scalar variables (one trace each, a ring
 * of the last RING points), and the latest value of each chosen array variable as a curve
 * (value against index). Points come from the gateway's `samples` messages, which carry every
 * published value of a plotted variable (nothing is polled); charts are redrawn at most once
 * per animation frame, whatever the rate of the samples. Drawn by uPlot (docs/decisions/0016).
 *
 * Paths and labels from the server only go into textContent and uPlot's labels (text).
 */
import uPlot from 'uplot';
import type { Sample } from '../protocol';

/** Points kept per time trace: the oldest is dropped when a new one comes. */
export const RING = 2000;

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** A fixed-size ring of (time, value) points; value NaN is a gap. */
class Ring {
  readonly t = new Float64Array(RING);
  readonly v = new Float64Array(RING);
  start = 0;
  length = 0;

  push(t: number, v: number): void {
    const i = (this.start + this.length) % RING;
    this.t[i] = t;
    this.v[i] = v;
    if (this.length < RING) this.length++;
    else this.start = (this.start + 1) % RING;
  }
  time(k: number): number {
    return this.t[(this.start + k) % RING];
  }
  value(k: number): number {
    return this.v[(this.start + k) % RING];
  }
}

interface Plotted {
  path: string;
  color: string;
  /** Decided by the first sample: a time trace (a number), a curve (an array), or not numeric. */
  kind: 'pending' | 'trace' | 'curve' | 'none';
  ring: Ring;
  /** A curve's latest array. */
  curve: number[] | null;
  chip: HTMLSpanElement;
  /** A curve's chart, and its box. */
  chart: uPlot | null;
  box: HTMLDivElement | null;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const shortName = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

export class Plots {
  private readonly plotted = new Map<string, Plotted>();
  private readonly chips: HTMLDivElement;
  private readonly timeBox: HTMLDivElement;
  private readonly curves: HTMLDivElement;
  private timeChart: uPlot | null = null;
  /** The traces the time chart was built for (rebuilt when they change). */
  private timeKey = '';
  private dirty = new Set<Plotted>();
  private timeDirty = false;
  private frame = 0;
  private nextColor = 0;
  /** Redraws and samples so far (on the panel as data-redraws / data-samples, for tests and curious users). */
  private redraws = 0;
  private samples = 0;
  /** Samples received, plotted or not (data-received, at once). */
  private received = 0;

  constructor(
    private readonly panel: HTMLElement,
    private readonly send: (path: string, on: boolean) => void,
    private readonly onChange: (path: string, on: boolean) => void,
  ) {
    this.chips = el('div', 'plot-chips');
    this.timeBox = el('div', 'plot-time');
    this.curves = el('div', 'plot-curves');
    panel.append(this.chips, this.timeBox, this.curves);
    new ResizeObserver(() => this.resize()).observe(panel);
  }

  has(path: string): boolean {
    return this.plotted.has(path);
  }

  toggle(path: string): void {
    if (this.plotted.has(path)) this.remove(path);
    else this.add(path);
  }

  add(path: string): void {
    if (this.plotted.has(path)) return;
    const color = COLORS[this.nextColor++ % COLORS.length];
    const chip = el('span', 'plot-chip');
    chip.dataset.plot = path;
    chip.dataset.kind = 'pending';
    chip.dataset.points = '0';
    chip.title = path;
    const swatch = el('span', 'swatch');
    swatch.style.background = color;
    const close = el('button', 'plot-close', '×');
    close.title = `stop plotting ${path}`;
    close.addEventListener('click', () => this.remove(path));
    chip.append(swatch, el('span', 'plot-name', shortName(path)), el('span', 'plot-note'), close);
    this.chips.append(chip);
    this.plotted.set(path, { path, color, kind: 'pending', ring: new Ring(), curve: null, chip, chart: null, box: null });
    this.panel.hidden = false;
    this.send(path, true);
    this.onChange(path, true);
  }

  remove(path: string): void {
    const p = this.plotted.get(path);
    if (!p) return;
    this.plotted.delete(path);
    this.dirty.delete(p);
    p.chip.remove();
    p.chart?.destroy();
    p.box?.remove();
    if (p.kind === 'trace') this.timeDirty = true;
    this.panel.hidden = this.plotted.size === 0;
    this.send(path, false);
    this.onChange(path, false);
    this.schedule();
  }

  /** After a reconnect: asks the gateway again for every plotted variable (the history stays). */
  resubscribe(): void {
    for (const path of this.plotted.keys()) this.send(path, true);
  }

  onSamples(s: Sample[]): void {
    this.received += s.length;
    this.panel.dataset.received = String(this.received);
    for (const [path, t, v] of s) {
      const p = this.plotted.get(path);
      if (!p) continue;
      this.samples++;
      if (p.kind === 'pending') this.setKind(p, Array.isArray(v) ? 'curve' : v === null ? 'none' : 'trace');
      if (p.kind === 'trace') {
        p.ring.push(t, typeof v === 'number' ? v : NaN);
        this.timeDirty = true;
      } else if (p.kind === 'curve') {
        p.curve = Array.isArray(v) ? v : null;
      }
      this.dirty.add(p);
    }
    this.schedule();
  }

  private setKind(p: Plotted, kind: Plotted['kind']): void {
    p.kind = kind;
    p.chip.dataset.kind = kind;
    const note = p.chip.querySelector('.plot-note')!;
    if (kind === 'none') note.textContent = 'not numeric';
    if (kind === 'trace') this.timeDirty = true;
    if (kind === 'curve') {
      p.box = el('div', 'plot-curve');
      p.box.dataset.curve = p.path;
      this.curves.append(p.box);
    }
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.draw());
  }

  private size(share: number): { width: number; height: number } {
    return { width: Math.max(200, Math.floor(this.panel.clientWidth * share) - 24), height: 170 };
  }

  private draw(): void {
    this.frame = 0;
    this.redraws++;
    this.panel.dataset.redraws = String(this.redraws);
    this.panel.dataset.samples = String(this.samples);
    if (this.timeDirty) {
      this.timeDirty = false;
      this.drawTime();
    }
    for (const p of this.dirty) {
      p.chip.dataset.points = String(p.kind === 'curve' ? (p.curve?.length ?? 0) : p.ring.length);
      if (p.kind === 'trace' && p.ring.length > 0) p.chip.dataset.last = String(p.ring.value(p.ring.length - 1));
      if (p.kind === 'curve') this.drawCurve(p);
    }
    this.dirty.clear();
  }

  /** The time chart: one x (the merged times of every trace; equal times share a row), one series per trace, gaps where a trace has no point. */
  private drawTime(): void {
    const traces = [...this.plotted.values()].filter((p) => p.kind === 'trace');
    const key = traces.map((p) => p.path).join('\n');
    if (key !== this.timeKey) {
      this.timeChart?.destroy();
      this.timeChart = null;
      this.timeKey = key;
    }
    this.timeBox.hidden = traces.length === 0;
    if (traces.length === 0) return;
    const xs: number[] = [];
    const ys: (number | null)[][] = traces.map(() => []);
    const at = traces.map(() => 0);
    for (;;) {
      let t = Infinity;
      for (let i = 0; i < traces.length; i++) if (at[i] < traces[i].ring.length) t = Math.min(t, traces[i].ring.time(at[i]));
      if (t === Infinity) break;
      xs.push(t);
      for (let i = 0; i < traces.length; i++) {
        const r = traces[i].ring;
        if (at[i] < r.length && r.time(at[i]) === t) {
          const v = r.value(at[i]++);
          ys[i].push(Number.isNaN(v) ? null : v);
        } else ys[i].push(null);
      }
    }
    const data = [xs, ...ys] as uPlot.AlignedData;
    if (this.timeChart) {
      this.timeChart.setData(data);
      return;
    }
    this.timeChart = new uPlot(
      {
        ...this.size(1),
        scales: { x: { time: true } },
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        // Each trace on its own y scale (values of different sizes stay readable): the first's axis left, the second's right.
        series: [
          {},
          ...traces.map((p, i) => ({ label: shortName(p.path), scale: `y${i}`, stroke: p.color, width: 1.5, spanGaps: true, points: { show: false } })),
        ],
        axes: [
          { space: 90 },
          // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- uPlot's Axis.Side is an ambient const enum (no runtime object under isolatedModules): 3 left, 1 right
          ...traces.slice(0, 2).map((p, i) => ({
            scale: `y${i}`,
            side: i === 0 ? 3 : 1,
            size: 60,
            stroke: p.color,
            grid: { show: i === 0 },
          })),
        ],
      },
      data,
      this.timeBox,
    );
  }

  private drawCurve(p: Plotted): void {
    const ys = p.curve ?? [];
    const data = [ys.map((_, i) => i), ys] as uPlot.AlignedData;
    if (p.chart) {
      p.chart.setData(data);
      return;
    }
    p.chart = new uPlot(
      {
        ...this.size(0.5),
        title: `${shortName(p.path)} (latest array, by index)`,
        scales: { x: { time: false } },
        legend: { show: false },
        series: [{}, { label: shortName(p.path), stroke: p.color, width: 1.5, points: { show: false } }],
        axes: [{}, { size: 60 }],
      },
      data,
      p.box!,
    );
  }

  private resize(): void {
    if (this.panel.hidden) return;
    this.timeChart?.setSize(this.size(1));
    for (const p of this.plotted.values()) if (p.chart && p.box) p.chart.setSize(this.size(0.5));
  }
}
