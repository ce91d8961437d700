/**
 * Net takings by hour as a uPlot chart. uPlot (≈50 kB, canvas, no dependencies) was chosen over
 * ECharts (≈1 MB): the page draws one small series and must stay quick on a phone. It sets its
 * styles through the CSSOM, which the view's strict CSP allows. It is loaded only when the
 * browser can draw on a canvas (jsdom cannot), and the same figures are always in a table, so
 * a screen reader (and a test) reads what the chart shows.
 */
import { useEffect, useRef } from 'react';
import { formatKes } from '@payme/shared';

export interface HourlyPoint {
  hour: number;
  net_cents: number;
}

export interface HourlyChartProps {
  title: string;
  tableTitle: string;
  hourLabel: string;
  amountLabel: string;
  points: readonly HourlyPoint[];
}

function canDraw(): boolean {
  try {
    return typeof window.matchMedia === 'function' && document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

const chart_height_px = 220;

export function HourlyChart({ title, tableTitle, hourLabel, amountLabel, points }: HourlyChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null || points.length === 0 || !canDraw()) return;
    let plot: { destroy(): void; setSize(size: { width: number; height: number }): void } | null = null;
    let cancelled = false;
    const resize = () => plot?.setSize({ width: element.clientWidth, height: chart_height_px });
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const data: [number[], number[]] = [points.map((point) => point.hour), points.map((point) => point.net_cents / 100)];
      plot = new UPlot(
        {
          width: element.clientWidth,
          height: chart_height_px,
          legend: { show: false },
          scales: { x: { time: false } },
          axes: [{ label: hourLabel, values: (_u, ticks) => ticks.map((tick) => `${String(tick).padStart(2, '0')}:00`) }, { values: (_u, ticks) => ticks.map((tick) => formatKes(Math.round(tick * 100)).replace(/\.00$/, '')), size: 90 }],
          series: [{}, { label: amountLabel, stroke: '#0a7d32', fill: 'rgba(10,125,50,0.15)', paths: UPlot.paths.bars?.({ size: [0.7] }) }],
        },
        data,
        element,
      );
      window.addEventListener('resize', resize);
    });
    return () => {
      cancelled = true;
      window.removeEventListener('resize', resize);
      plot?.destroy();
    };
  }, [points, hourLabel, amountLabel]);

  return (
    <figure className="chart card">
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <details>
        <summary>{tableTitle}</summary>
        <table className="data-table">
          <caption className="visually-hidden">{tableTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{hourLabel}</th>
              <th scope="col" className="numeric">
                {amountLabel}
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={point.hour}>
                <td data-label={hourLabel}>{`${String(point.hour).padStart(2, '0')}:00`}</td>
                <td data-label={amountLabel} className="numeric">
                  {formatKes(point.net_cents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
