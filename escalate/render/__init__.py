"""Rendering: results as text (:mod:`~escalate.render.text`) and diagrams (:mod:`~escalate.render.drawing`).

Above the analysis: the renderers read :class:`~escalate.analysis.result.EscalationData`
and the backtest's figures. :mod:`~escalate.render.drawing` and
:mod:`~escalate.render.backtest_plot` are the only modules that import matplotlib, and
only when they draw.
"""
