"""Chart specs handed to ``st.plotly_chart`` as sent, without plotly validating them again.

``st.plotly_chart`` passes a dict through plotly's ``Figure(**spec).to_dict()`` (validation
and a deep copy) before encoding it, while a plotly ``Figure`` counts as validated: only its
``to_dict()`` is sent (``plotly.tools.return_figure_from_figure_or_data``). For the live
chart, redrawn every second, that validation cost ten times the building of the spec.
:func:`ready_figure` writes a spec in the form validation would give it (arrays as plotly.js
typed arrays, the default template in the layout) and wraps it in a :class:`ReadyFigure`,
whose ``to_dict()`` is that spec: the page receives the same JSON either way.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

Spec = dict[str, Any]

# plotly.js typed-array names of the dtypes the charts send (from plotly's own table).
TYPED_ARRAY_DTYPES = {"float32": "f4", "float64": "f8"}
# Layout lists of items, which validation leaves out when empty.
LAYOUT_ITEM_LISTS = ("annotations", "images", "selections", "shapes", "sliders", "updatemenus")


class ReadyFigure(go.Figure):  # type: ignore[misc]  # plotly ships no type hints
    """A figure whose ``to_dict()`` is a spec already in the form plotly's validation gives."""

    def __init__(self, spec: Spec) -> None:
        # An empty template: building plotly's default one would cost more than the chart.
        super().__init__(layout={"template": {}}, _validate=False)
        self._ready_spec = spec

    def to_dict(self) -> Spec:
        return self._ready_spec


def ready_figure(spec: Spec) -> ReadyFigure:
    """The spec (plain dicts, NumPy arrays) as plotly's validation would send it.

    Arrays become typed arrays (an empty one an empty list, as plotly writes it), empty
    lists of shapes or annotations are left out, and a layout without a template gets the
    default one (plotly's, or the one Streamlit installs).
    """
    layout = {
        k: v
        for k, v in spec.get("layout", {}).items()
        if not (k in LAYOUT_ITEM_LISTS and len(v) == 0)
    }
    if "template" not in layout:
        layout["template"] = default_template(pio.templates.default)
    return ReadyFigure(
        {**spec, "data": [_typed_trace(trace) for trace in spec["data"]], "layout": layout}
    )


@functools.lru_cache(maxsize=4)
def default_template(name: str) -> Spec:
    """Template ``name`` as a validated figure's layout carries it (built once per name)."""
    return go.Figure(layout={"template": name}).to_dict()["layout"]["template"]  # type: ignore[no-any-return]


def typed_array(values: np.ndarray[Any, np.dtype[Any]]) -> Spec | list[Any]:
    """A 1-D float array as a plotly.js typed array (base64 of its bytes, little-endian)."""
    if values.size == 0:
        return []
    name = TYPED_ARRAY_DTYPES.get(str(values.dtype))
    if name is None or values.ndim != 1:
        raise TypeError(f"no typed array here for a {values.ndim}-D {values.dtype} array")
    data = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
    return {"dtype": name, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def _typed_trace(trace: Spec) -> Spec:
    return {k: typed_array(v) if isinstance(v, np.ndarray) else v for k, v in trace.items()}
