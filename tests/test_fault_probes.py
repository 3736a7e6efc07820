"""The issue-17 fault table, one probe per file in jobtrends/faults/cases/: each replayed as
`jobtrends bench faults` does, against real processes, real files and a local server."""

from __future__ import annotations

import pytest

from jobtrends.faults.replay import read_probes, replay

PROBES = read_probes()


def params() -> list[object]:
    out = []
    for probe in PROBES:
        marks = []
        if probe.fixed_by:  # waits for another branch's fix; the integrator drops the field
            marks.append(
                pytest.mark.xfail(reason=f"fixed on branch {probe.fixed_by}", strict=False)
            )
        out.append(pytest.param(probe, id=probe.name, marks=marks))
    return out


def test_every_probe_file_reads() -> None:
    assert len(PROBES) >= 20
    assert all(p.probe and p.expected and p.args for p in PROBES)


@pytest.mark.slow
@pytest.mark.parametrize("probe", params())
def test_probe(probe: object) -> None:
    outcome = replay(probe)  # type: ignore[arg-type]
    assert outcome.passed, outcome.render()
