"""Prefect only: the ``verify-checkpoint`` and ``verify-location`` flows, their tasks, deployments,
schedules and artifacts. The work itself is done by ``nettsjekk.checkpoints`` and the packages below it.
"""
