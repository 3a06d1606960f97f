"""Checkpoint runs as plain functions (no Prefect): configuration, the run plan and its cells,
retries of flaky cells, the results store, verdicts, drift and login-session checks.

``nettsjekk.flows`` wraps these in Prefect flows and tasks; the CLI and tests may call them directly.
"""
