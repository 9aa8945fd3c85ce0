"""Render a validation report as a terminal table."""

from __future__ import annotations

from collections import defaultdict

import click

from sdmx_cso import Issue, Report
from sdmx_cso.reports import CATALOGUE

#: Issues shown per code before "and N more".
PER_CODE = 10


def render_table(report: Report, *, source: str, per_code: int = PER_CODE) -> str:
    """The report as readable text: a verdict, then issues grouped by code, with counts."""
    lines = []
    stats = report.stats
    if report.valid:
        verdict = click.style("valid", fg="green", bold=True)
    else:
        verdict = click.style("invalid", fg="red", bold=True)
    lines.append(
        f"{source}: {verdict} — {_count(stats.rows, 'row')}, {_count(stats.errors, 'error')}, "
        f"{_count(stats.warnings, 'warning')}"
    )
    groups: dict[str, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        groups[issue.code].append(issue)
    for code, issues in groups.items():
        entry = CATALOGUE.get(code)
        title = entry.title if entry else code
        colour = "red" if issues[0].severity == "error" else "yellow"
        head = click.style(f"{issues[0].severity} {code}", fg=colour, bold=True)
        lines.append("")
        lines.append(f"{head}  {title} ({len(issues)})")
        for issue in issues[:per_code]:
            lines.append(f"  {_where(issue)}{issue.message}")
        if len(issues) > per_code:
            lines.append(f"  … and {len(issues) - per_code} more")
        lines.append(f"  see {issues[0].url}")
    for note in report.notes:
        lines.append("")
        lines.append(f"{click.style('note', fg='cyan', bold=True)}  {note}")
    return "\n".join(lines)


def _where(issue: Issue) -> str:
    parts = []
    if issue.row is not None:  # a line of the metadata file, a row of the data table
        parts.append(f"{'line' if issue.code.startswith('metadata') else 'row'} {issue.row}")
    if issue.column:
        parts.append(issue.column)
    return f"{', '.join(parts)}: " if parts else ""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
