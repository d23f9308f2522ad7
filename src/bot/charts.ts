/** /stats charts as PNG attachments (SVG → PNG via sharp in src/vision/render.ts; no native canvas). */
import { renderConfusionMatrix, renderLineChart } from '../vision/render.ts';
import type { LiveStats } from '../store/index.ts';

export interface ChartFile {
  name: string;
  png: Buffer;
}

export type StatsChartRenderer = (live: LiveStats) => Promise<ChartFile[]>;

/** The confusion matrix of users' labels, plus live accuracy per day when there are two days or more. */
export const renderStatsCharts: StatsChartRenderer = async (live) => {
  const files: ChartFile[] = [
    { name: 'feedback-confusion.png', png: await renderConfusionMatrix(live.confusion, 'User feedback: true digit vs answer') },
  ];
  if (live.daily.length >= 2) {
    const t0 = Date.parse(`${live.daily[0]!.day}T00:00:00Z`);
    files.push({
      name: 'live-accuracy.png',
      png: await renderLineChart({
        title: 'Live accuracy per day (users’ feedback)',
        xLabel: 'days ago',
        yLabel: 'accuracy',
        yRange: [0, 1],
        series: [
          {
            name: 'rated answers right',
            points: live.daily.map((d) => [Math.round((Date.parse(`${d.day}T00:00:00Z`) - t0) / 86_400_000) - (live.daily.length - 1), d.total > 0 ? d.correct / d.total : 0]),
          },
        ],
        width: 640,
        height: 360,
      }),
    });
  }
  return files;
};
