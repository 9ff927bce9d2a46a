"""Shared test fixtures: where the shipped documents and the project live."""

from __future__ import annotations

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
