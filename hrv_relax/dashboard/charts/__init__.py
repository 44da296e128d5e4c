"""Pure chart builders: data in, plotly figures out."""
