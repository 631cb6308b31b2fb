"""Dates of issue as CSL/EDTF allows: normalised when written, exported structured, styles print them."""

from __future__ import annotations

import json

import pytest

from refdb.dates import DateError, issued_csl, normalize_issued
from tests.conftest import Cli

ACCEPTED = [
    ("1942", "1942"), ("1942-07", "1942-07"), ("1942-07-12", "1942-07-12"), (1942, "1942"),
    ("1942/1943", "1942/1943"), ("1942-07/1943-02", "1942-07/1943-02"), ("1942-1943", "1942/1943"),
    ("1942 – 1943", "1942/1943"), ("1942~", "1942~"), ("1942?", "1942?"), ("1942%", "1942%"),
    ("c. 1942", "1942~"), ("ca. 1942", "1942~"), ("circa 1942", "1942~"), ("около 1942", "1942~"),
    ("July 1942", "1942-07"), ("12 July 1942", "1942-07-12"), ("July 12, 1942", "1942-07-12"),
    ("Jul. 1942", "1942-07"), ("Forthcoming", "forthcoming"), ("n.d.", "n.d."), ("in press", "in press"),
    ("Spring 1942", "Spring 1942"), ("autumn 1941", "Autumn 1941"),
]  # fmt: skip
REFUSED = ["soon", "1943/1942", "1942-13", "1942-02-30~", "Julember 1942", "19420", "1942~~", "c. 42"]


@pytest.mark.parametrize(("given", "stored"), ACCEPTED, ids=[str(a) for a, _ in ACCEPTED])
def test_accepted_dates_are_stored_normalised(given: object, stored: str) -> None:
    assert normalize_issued(given) == stored


@pytest.mark.parametrize("given", REFUSED)
def test_other_dates_are_refused(given: str) -> None:
    with pytest.raises(DateError):
        normalize_issued(given)


def test_edtf_as_csl_dates() -> None:
    assert issued_csl("1942/1943") == {"date-parts": [[1942], [1943]]}
    assert issued_csl("1942-07~") == {"date-parts": [[1942, 7]], "circa": True}
    assert issued_csl("1942?") == {"date-parts": [[1942]]}
    assert issued_csl("forthcoming") is None


def test_styles_print_circa_and_ranges(cli: Cli) -> None:
    assert cli("add", "source", "Circa Book", "--key", "circa", "--issued", "c. 1942").exit_code == 0
    assert cli("add", "source", "Range Book", "--key", "range", "--issued", "1942/1943").exit_code == 0
    apa = cli("bibliography", "--source", "circa", "--style", "apa")
    assert "(ca. 1942)" in apa.stdout, apa.output
    ranged = cli("bibliography", "--source", "range")
    assert "1942–1943" in ranged.stdout, ranged.output
    exported = cli("export", "--format", "csljson", "--source", "range")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)[0]["issued"] == {"date-parts": [[1942], [1943]]}
    listed = json.loads(cli("sources", "circa", "--format", "json").stdout)
    assert listed[0]["issued"] == "1942~"
