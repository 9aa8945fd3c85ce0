"""A self-contained HTML validation report that a statistics office can file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from html import escape

from sdmx_cso._version import __version__
from sdmx_cso.standard import STANDARD_VERSION
from sdmx_cso.validation.issues import CATALOGUE
from sdmx_cso.validation.report import Issue, Report

__all__ = ["render_html"]

#: Issues listed per code before "and N more" (the JSON report always has all of them).
PER_CODE = 1000

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem} .meta{color:#555;margin-top:0}
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:.3rem;color:#fff;font-weight:600}
.valid{background:#1a7f37} .invalid{background:#cf222e}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem} td,th{border:1px solid #ddd;
padding:.3rem .5rem;text-align:left;vertical-align:top} th{background:#f6f8fa}
.error h2{color:#cf222e} .warning h2{color:#9a6700} h2{font-size:1.1rem;margin-bottom:.2rem}
.fix{color:#444} code{background:#f6f8fa;padding:0 .2rem}
"""


def render_html(report: Report, *, source: str, generated: dt.datetime | None = None) -> str:
    """The report as one HTML page, with no external resources.

    Examples:
        >>> page = render_html(Report.from_issues([]), source="kenya/")
        >>> "valid" in page and "kenya/" in page
        True
    """
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    stats = report.stats
    verdict = "valid" if report.valid else "invalid"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Validation report: {escape(source)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Validation report: <code>{escape(source)}</code></h1>",
        f'<p class="meta">{when} · sdmx_cso {__version__} · standard {STANDARD_VERSION}</p>',
        f'<p><span class="verdict {verdict}">{verdict}</span> '
        f"{stats.rows} rows · {stats.errors} errors · {stats.warnings} warnings</p>",
    ]
    if report.issues:
        parts.append(_summary(report))
    groups: dict[str, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        groups[issue.code].append(issue)
    for code, issues in groups.items():
        parts.append(_group(code, issues))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _summary(report: Report) -> str:
    rows = "".join(
        f'<tr><td><a href="#{escape(code)}">{escape(code)}</a></td>'
        f"<td>{escape(CATALOGUE[code].title)}</td><td>{CATALOGUE[code].severity}</td>"
        f"<td>{count}</td></tr>"
        for code, count in report.stats.by_code.items()
    )
    return (
        f"<table><tr><th>Issue</th><th>What</th><th>Severity</th><th>Count</th></tr>{rows}</table>"
    )


def _cell(value: object) -> str:
    return "" if value is None else escape(str(value))


def _group(code: str, issues: list[Issue]) -> str:
    entry = CATALOGUE[code]
    rows = "".join(
        f"<tr><td>{_cell(i.row)}</td><td>{_cell(i.column)}</td><td>{_cell(i.value)}</td>"
        f"<td>{escape(i.message)}</td><td>{_cell(i.file)}</td></tr>"
        for i in issues[:PER_CODE]
    )
    more = len(issues) - PER_CODE
    tail = f"<p>… and {more} more (see the JSON report).</p>" if more > 0 else ""
    return (
        f'<section class="{entry.severity}" id="{escape(code)}">'
        f'<h2>{escape(entry.title)} <small>(<a href="{escape(issues[0].url)}">{escape(code)}</a>'
        f", {len(issues)})</small></h2>"
        f"<p>{escape(entry.description)}</p>"
        f'<p class="fix"><b>How to fix:</b> {escape(entry.fix)}</p>'
        "<table><tr><th>Row</th><th>Column</th><th>Value</th><th>Message</th><th>File</th></tr>"
        f"{rows}</table>{tail}</section>"
    )
