/** The least-squares line through `values` taken one step apart: its slope per step, and the spread of the values around it. */
export function slope(values: readonly number[]): { perStep: number; residual: number } {
  const n = values.length;
  if (n < 2) return { perStep: 0, residual: 0 };
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  values.forEach((y, x) => {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  });
  const perStep = sxy / sxx;
  const residuals = values.map((y, x) => y - (meanY + perStep * (x - meanX)));
  return { perStep, residual: Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / n) };
}
