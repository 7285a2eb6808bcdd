/** A small dependency-free SVG line chart: accounts per second against N (log scale on x). */

export interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number; min?: number; max?: number }>;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const width = 640;
  const height = 360;
  const margin = { left: 70, right: 170, top: 40, bottom: 50 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p.y, p.max ?? p.y]));
  const xMin = Math.log10(Math.min(...xs));
  const xMax = Math.log10(Math.max(...xs));
  const yMax = niceCeiling(Math.max(...ys) * 1.1);
  const sx = (x: number) =>
    margin.left + (xMax === xMin ? plotW / 2 : ((Math.log10(x) - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number) => margin.top + plotH - (y / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(
    `<text x="${width / 2 - margin.right / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">` +
      `${escapeXml(title)}</text>`,
  );
  for (let i = 0; i <= 5; i += 1) {
    const y = (yMax / 5) * i;
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    out.push(
      `<text x="${margin.left - 8}" y="${sy(y) + 4}" text-anchor="end">${Math.round(y).toLocaleString('en-US')}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`);
    out.push(
      `<text x="${sx(x)}" y="${margin.top + plotH + 18}" text-anchor="middle">${x.toLocaleString('en-US')}</text>`,
    );
  }
  out.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="black"/>`,
  );
  out.push(
    `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" ` +
      `stroke="black"/>`,
  );
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(yLabel)}</text>`,
  );
  series.forEach((s, index) => {
    const points = [...s.points].sort((a, b) => a.x - b.x);
    const polyline = points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${polyline}"/>`);
    for (const p of points) {
      if (p.min !== undefined && p.max !== undefined) {
        out.push(
          `<line x1="${sx(p.x)}" x2="${sx(p.x)}" y1="${sy(p.min)}" y2="${sy(p.max)}" stroke="${s.color}" ` +
            `stroke-width="1"/>`,
        );
      }
      out.push(
        `<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="4" fill="${s.color}"><title>${escapeXml(s.name)}: ` +
          `${Math.round(p.y)} at ${p.x}</title></circle>`,
      );
    }
    const ly = margin.top + 10 + index * 20;
    out.push(
      `<line x1="${width - margin.right + 15}" x2="${width - margin.right + 35}" y1="${ly}" y2="${ly}" ` +
        `stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${width - margin.right + 40}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
