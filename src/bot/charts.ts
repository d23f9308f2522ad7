/** /stats charts as PNG attachments (SVG → PNG via sharp in src/vision/render.ts; no native canvas). */
import { renderBarChart, renderConfusionMatrix, type BarChartOptions } from '../vision/render.ts';
import type { LiveStats } from '../store/index.ts';
import { count } from './format.ts';

export interface ChartFile {
  name: string;
  png: Buffer;
}

export type StatsChartRenderer = (live: LiveStats) => Promise<ChartFile[]>;

export const DAILY_CHART = 'live-accuracy.png';
export const CONFUSION_CHART = 'feedback-confusion.png';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-12-01` → `1 Dec` (UTC, as stored). */
export function shortDate(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1] ?? '?'}`;
}

/** The per-day chart: one bar per day with feedback, under its real date and the answers rated that day. */
export function dailyAccuracyChart(live: LiveStats): BarChartOptions | null {
  if (live.daily.length === 0) return null;
  const rated = live.daily.reduce((a, d) => a + d.total, 0);
  return {
    title: `Live accuracy per day since ${shortDate(live.since)} (${count(rated, 'answer')} rated)`,
    labels: live.daily.map((d) => `${shortDate(d.day)} (${d.total})`),
    values: live.daily.map((d) => d.correct / d.total),
    xLabel: 'day (UTC) and answers rated that day',
    yLabel: 'answers right',
    yRange: [0, 1],
    formatValue: (v) => `${Math.round(v * 100)}%`,
    width: Math.max(640, 110 + live.daily.length * 96),
    height: 360,
  };
}

/** Live accuracy per day (the embed's picture) when there is feedback, and the confusion matrix of the labelled digits. */
export const renderStatsCharts: StatsChartRenderer = async (live) => {
  const files: ChartFile[] = [];
  const daily = dailyAccuracyChart(live);
  if (daily) files.push({ name: DAILY_CHART, png: await renderBarChart(daily) });
  const digits = live.perDigit.reduce((a, d) => a + d.total, 0);
  files.push({ name: CONFUSION_CHART, png: await renderConfusionMatrix(live.confusion, `Labelled digits (${digits}): true digit vs what I read`) });
  return files;
};
