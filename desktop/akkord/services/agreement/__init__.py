"""Agreement between annotators on everything Akkord records (issue 12).

:func:`agreement` (or :func:`compute_agreement` inside a caller's session) compares two or
more annotators' layers and returns rows ``{measure, label, annotators, document, value}``
(see :mod:`akkord.services.agreement.compute` for the measures) and, when asked, every
disagreement with its place in the text; :mod:`~akkord.services.agreement.report`
renders them as a table, CSV, JSON or a self-contained HTML report with heatmaps.

The measures need the optional ``agreement`` extra (scipy), imported only when a
measure runs.
"""

from akkord.services.agreement.compute import (
    ALL,
    AgreementOptions,
    AgreementReport,
    Disagreement,
    Row,
    Version,
    agreement,
    compute_agreement,
)

__all__ = ["ALL", "AgreementOptions", "AgreementReport", "Disagreement", "Row", "Version",
           "agreement", "compute_agreement"]
