import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { money } from './format.js';
import type { DayTotals } from './ledger.js';

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

/** Spent and credited per day as bars (uPlot); amounts stay integer minor units, labels print them exactly. */
export function DailyChart({ days, currency }: { days: DayTotals[]; currency: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || days.length === 0) return;
    const bars = uPlot.paths.bars!({ size: [0.35, 28], align: 0 });
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--line') }, ticks: { stroke: cssVar('--line') } };
    // At least a week on the x axis, half a day of room on each side of the bars.
    const last = days[days.length - 1]!.atSeconds;
    const xRange: [number, number] = [Math.min(days[0]!.atSeconds, last - 6 * 86_400) - 43_200, last + 43_200];
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: 220,
        padding: [12, 12, 0, 0],
        scales: { x: { time: true, range: () => xRange } },
        axes: [axis, { ...axis, size: 70, values: (_u, ticks) => ticks.map((t) => money(Math.round(t))) }],
        legend: { live: false },
        series: [
          {},
          { label: `Spent (${currency})`, fill: cssVar('--accent'), stroke: cssVar('--accent'), paths: bars, points: { show: false }, value: (_u, v) => (v === null ? '—' : money(v)) },
          {
            label: `Credited (${currency})`,
            fill: cssVar('--ok'),
            stroke: cssVar('--ok'),
            paths: uPlot.paths.bars!({ size: [0.35, 28], align: 1 }),
            points: { show: false },
            value: (_u, v) => (v === null ? '—' : money(v)),
          },
        ],
      },
      [days.map((d) => d.atSeconds), days.map((d) => d.capturedMinor), days.map((d) => d.creditedMinor)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days, currency]);
  return <div ref={box} class="chart" role="img" aria-label={`Spent and credited per day, ${days.length} days`} />;
}
