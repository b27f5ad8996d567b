"""Akkord: annotate actors, demands and meetings in news text, and see them on a timeline."""

__version__ = "0.1.0"
