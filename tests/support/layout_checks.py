"""Checks run inside a page (Playwright `page.evaluate`): cut-off text and text contrast."""

from __future__ import annotations

# Elements whose text must be shown whole: tile labels, values and notes, buttons, alerts.
# An element cuts its text when its content is wider than its box (scrollWidth > clientWidth).
# Only the main area: a collapsed sidebar keeps its (hidden) content at zero width.
CUT_TEXT = """() => [...document.querySelector('[data-testid=stMain]').querySelectorAll(
  '[data-testid=stMetricValue], [data-testid=stMetricValue] *, [data-testid=stMetricLabel] *,'
  + '[data-testid=stMetricDelta] *, button, button p, [data-testid=stCaptionContainer],'
  + '[data-testid=stAlert] p, .calm-alert, [data-baseweb=select] div'
)].filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.innerText.slice(0, 40)} (${e.scrollWidth} > ${e.clientWidth} px)`)"""

# WCAG 2.1 contrast of small text (4.5:1, AA) for captions, tile labels and notes, widget
# labels, alerts and chart ticks; text colours with alpha are blended over their background.
CONTRAST = """() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (fg, bg) => [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
  const background = e => {
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) return over(c, [255, 255, 255]);
    }
    return [255, 255, 255];
  };
  const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const html = [...document.querySelectorAll('[data-testid=stCaptionContainer],'
    + '[data-testid=stMetricLabel] p, [data-testid=stMetricDelta] div,'
    + '[data-testid=stWidgetLabel] p, [data-testid=stAlert] p, .calm-alert, .calm-alert span')]
    .filter(e => e.innerText.trim()).map(e => [e, parse(getComputedStyle(e).color)]);
  const svg = [...document.querySelectorAll('.js-plotly-plot .xtick text,'
    + '.js-plotly-plot .ytick text')]
    .map(e => [e, parse(getComputedStyle(e).fill)]);
  return [...html, ...svg].map(([e, fg]) => { const bg = background(e.parentElement || e);
    return [e.textContent.slice(0, 30), ratio(over(fg, bg), bg)]; })
    .filter(([, r]) => r < 4.5).map(([t, r]) => `${t}: ${r.toFixed(2)}:1`);
}"""
