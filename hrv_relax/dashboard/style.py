"""The dashboard's stylesheet: legible text (WCAG 2.1 AA), visible focus, nothing cut on a phone.

Streamlit's faded greys (captions, chart ticks, metric deltas) measure 3.7-3.9:1 on white at
12-14 px; AA needs 4.5:1 for text that small. INK_SOFT is 7.4:1 on white and 6.6:1 on the
sidebar's grey.
"""

from __future__ import annotations

INK = "#1f2330"
INK_SOFT = "#4e5260"
FOCUS = "#0072B2"  # the theme's primary colour (Okabe-Ito blue)

SHARED_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricDelta"], [data-testid="stMetricLabel"] p,
[data-testid="stWidgetLabel"] p, [data-testid="stMarkdownContainer"] small {{
  color: {INK_SOFT} !important;
}}
/* Plotly draws ticks and axis titles in a faded grey: the same soft ink as captions. */
.js-plotly-plot .xtick text, .js-plotly-plot .ytick text,
.js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text,
.js-plotly-plot .annotation-text {{
  fill: {INK_SOFT} !important;
}}
/* Keyboard focus always shows, as a ring that does not rely on colour alone. */
:focus-visible, button:focus-visible, [role="tab"]:focus-visible, a:focus-visible,
input:focus-visible, [role="combobox"]:focus-visible {{
  outline: 3px solid {FOCUS} !important;
  outline-offset: 2px !important;
  box-shadow: 0 0 0 5px #ffffff !important;
}}
/* Tile values and labels wrap instead of ending in "...". */
[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] > div,
[data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"],
[data-testid="stMetricDelta"] * {{
  white-space: normal !important;
  overflow: visible !important;
  text-overflow: clip !important;
  overflow-wrap: break-word;
}}
button p {{ white-space: normal; overflow-wrap: break-word; }}
</style>"""

LIVE_CSS = f"""<style>
.block-container {{ padding-top: 3.5rem !important; padding-bottom: 2rem !important; }}
h1 {{ font-size: 1.6rem !important; padding: 0 !important; }}
/* Tiles sit in one row on a laptop and wrap to two on a tablet. */
.st-key-tiles {{ gap: 0.6rem !important; }}
.st-key-tiles > div {{ flex: 1 1 11rem !important; min-width: min(11rem, 100%); }}
.st-key-tiles > div:has(> .st-key-tile_relaxation) {{ flex: 1.5 1 15rem !important; }}
.st-key-tiles [class*="st-key-tile_"] {{ padding: 0.5rem 0.8rem !important; gap: 0.2rem; }}
.st-key-tiles [data-testid="stMetricValue"] {{ font-size: 1.6rem; line-height: 1.15; }}
.st-key-tiles [data-testid="stMetricLabel"] p {{ font-size: 1.05rem; }}
.st-key-tiles .st-key-tile_heart_rate [data-testid="stMetricValue"],
.st-key-tiles .st-key-tile_rmssd [data-testid="stMetricValue"],
.st-key-tiles .st-key-tile_relaxation [data-testid="stMetricValue"] {{
  font-size: 2.6rem; line-height: 1.1;
}}
/* One-tap markers: touch-sized, the current choice filled in. */
.st-key-markers button {{ min-height: 2.9rem; padding: 0.3rem 0.9rem; }}
.st-key-markers button p {{ font-size: 1.05rem; }}
.st-key-marker_top {{ column-gap: 2rem !important; row-gap: 0.5rem !important; }}
[class*="st-key-group_"] > div:first-child {{ flex: 0 0 5.5rem !important; width: 5.5rem; }}
[class*="st-key-group_"] > div:nth-child(2) {{ flex: 1 1 auto !important; min-width: 0; }}
.marker-group {{ font-size: 0.95rem; color: {INK_SOFT}; padding-top: 0.7rem; }}
/* Alerts as large as the tiles, calm colours, dark text. */
.calm-alert {{
  border-radius: 0.6rem; padding: 0.7rem 1rem; margin: 0.2rem 0; color: {INK};
  font-size: 1.35rem; line-height: 1.35; border-left: 0.5rem solid;
}}
.calm-alert b {{ font-weight: 650; }}
.calm-alert span {{ display: block; font-size: 1.05rem; color: {INK}; }}
.calm-alert.warning {{ background: #fdf3dd; border-color: #b36b00; }}
.calm-alert.info {{ background: #e6f1f8; border-color: {FOCUS}; }}
/* On a phone two small tiles share a row, so the markers come sooner, and each marker group's
   name sits above its buttons. */
@media (max-width: 640px) {{
  .st-key-tiles > div {{ flex: 1 1 9rem !important; min-width: 9rem; }}
  [class*="st-key-group_"] {{ flex-wrap: wrap !important; }}
  [class*="st-key-group_"] > div:first-child {{ flex: 1 1 100% !important; width: 100%; }}
  .marker-group {{ padding-top: 0 !important; }}
}}
</style>"""

# The glance view: read from across the room (2-3 m): the heart rate about 10 cm tall.
GLANCE_CSS = f"""<style>
header[data-testid="stHeader"] {{ display: none; }}
.block-container {{ padding-top: 1rem !important; max-width: 100% !important; }}
.glance {{ text-align: center; color: {INK}; }}
.glance .big {{ font-size: min(34vw, 30vh); font-weight: 600; line-height: 1; }}
.glance .unit {{ font-size: min(6vw, 6vh); color: {INK_SOFT}; }}
.glance .arrow {{ font-size: min(12vw, 11vh); line-height: 1.1; margin-top: 1vh; }}
.glance .line {{ font-size: min(5vw, 4.5vh); color: {INK_SOFT}; }}
.glance .calm-alert {{ font-size: min(6vw, 5vh); text-align: left; }}
.glance .calm-alert span {{ font-size: min(4vw, 3.5vh); }}
</style>"""
