"""When the refresh's resources must not start anything: a run's resources set up after the run.

`dagster job execute` (like ``dagster.execute_job``) sets every resource of a run up once more
after the run has ended, to load its outputs. The refresh's resources start processes (the
briefing's kernel, the dbt worker) or take the refresh lock; doing that then would start a kernel
and a dbt worker for nothing and make a finished run wait on the lock behind any other refresh.
"""

import dagster as dg


def run_is_over(context: dg.InitResourceContext) -> bool:
    """True when Dagster sets up resources for a run that has already ended."""
    run = context.run
    return run is not None and run.is_finished
