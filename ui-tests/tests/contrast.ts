import { Locator } from '@playwright/test';

/** Contrast of an element's text with the first opaque background behind it. */
export function textContrast(locator: Locator): Promise<number> {
  return locator.evaluate(el => {
    // rgb(a) in 0-255, or color(srgb ...) in 0-1 (what color-mix gives)
    const rgba = (c: string) => {
      const [r, g, b, a = 1] = (c.match(/[\d.]+/g) ?? []).map(Number);
      const k = c.startsWith('color(') ? 255 : 1;
      return [r * k, g * k, b * k, a];
    };
    let bg = [255, 255, 255, 1];
    for (let n: Element | null = el; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] === 1) {
        bg = c;
        break;
      }
    }
    const fg = rgba(getComputedStyle(el).color);
    const mixed = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const lum = (c: number[]) =>
      [0, 1, 2]
        .map(i => c[i] / 255)
        .map(v => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  });
}
