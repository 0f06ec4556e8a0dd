"""The static HTML report; see page.py."""

from pipeline.report.page import build_report

__all__ = ["build_report"]
