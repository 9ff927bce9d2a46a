"""Shared test fixtures: where the shipped documents and the project live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS_DIR = PROJECT_ROOT / "raw" / "documents"
RESOLUTION_TXT = DOCUMENTS_DIR / "000_a74ee38357d31740.txt"
SLIDES_TXT = DOCUMENTS_DIR / "004_373ec9bcf51e9bdb.txt"
FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def resolution_txt() -> Path:
    return RESOLUTION_TXT


@pytest.fixture(scope="session")
def slides_txt() -> Path:
    return SLIDES_TXT


# `make test` runs the suite on both cores (pytest-xdist, `-n 2 --dist loadscope`). A scope is a
# module, so a module's fixtures (a real refresh each, ≈30 s) run once; these modules read the
# warehouse tests/dbt_warehouse.py builds once per process (≈40 s) and form one scope, so it is
# built once, not on each worker.
SHARED_BUILD_MODULES = frozenset(
    {
        "test_assets_publishing.py",
        "test_briefing.py",
        "test_briefing_browser.py",
        "test_dbt_analyst_questions.py",
        "test_dbt_contracts.py",
        "test_dbt_data_tests.py",
        "test_dbt_exposures.py",
        "test_dbt_marts.py",
        "test_notebooks.py",
        "test_pdf_printer.py",
    }
)


def scheduling_scope(nodeid: str) -> str:
    """The unit of work a worker takes whole: a test's module, or the shared build's modules."""
    module = nodeid.split("::", 1)[0]
    return "shared dbt build" if Path(module).name in SHARED_BUILD_MODULES else module


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleSharingTheBuild(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scheduling_scope(nodeid)

    return ByModuleSharingTheBuild(config, log)


# House rule: a skipped test presented as passing is a defect. `make test` runs every test, so a test
# that skips (Chromium, poppler or strace missing, say) fails the suite with its reason, instead of
# leaving a green run that never opened the briefing. `.ci/run` installs what the tests need;
# NQ57_ALLOW_SKIPS=1 runs a partial suite knowingly, on a machine without them.
ALLOW_SKIPS_ENV = "NQ57_ALLOW_SKIPS"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get(ALLOW_SKIPS_ENV) != "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"{reason}\nThis test was skipped, and make test runs every test: install what it needs "
            f"(.ci/run does) or set {ALLOW_SKIPS_ENV}=1 to run a partial suite knowingly."
        )
