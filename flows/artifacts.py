"""Prefect artifacts for a finished run: a table of failures and a markdown summary with links."""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from nettsjekk.checkpoints.plan import Summary


def summary_markdown(summary: Summary) -> str:
    """The run in a few lines a county reader scans first."""
    counts = {}
    for verdict, _ in summary.verdicts.values():
        counts[verdict] = counts.get(verdict, 0) + 1
    lines = [f"# nettsjekk {summary.checkpoint}: run {summary.run_id}", "",
             " · ".join(f"**{v}**: {n}" for v, n in sorted(counts.items())), "",
             "| resource | verdict | reasons |", "|---|---|---|"]
    for rid, (verdict, reasons) in sorted(summary.verdicts.items()):
        lines.append(f"| {rid} | {verdict} | {'; '.join(reasons) or '-'} |".replace("\n", " "))
    changed = summary.drift_previous.get("resources", [])
    if changed:
        lines += ["", f"## Changed since run {summary.drift_previous['against']}", ""]
        lines += [f"- {r['resource_id']}: new hosts {r['new_hosts']}, new findings {r['new_findings']}" for r in changed]
    lines += ["", f"Files: [{summary.run_dir}]({summary.run_dir.as_uri()})"]
    lines += [f"- {name}: [{path}]({Path(path).as_uri()})" for name, path in sorted(summary.reports.items())]
    return "\n".join(lines)


def publish_artifacts(summary: Summary) -> None:
    create_table_artifact(key="nettsjekk-failures", table=summary.failures or [{"resource": "-", "status": "none"}],
                          description=f"Failing cells of run {summary.run_id}")
    create_markdown_artifact(key="nettsjekk-summary", markdown=summary_markdown(summary),
                             description=f"Checkpoint {summary.checkpoint}, run {summary.run_id}")
