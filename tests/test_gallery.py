"""The gallery (docs/gallery/, ``make gallery``): its pictures stay as they were reviewed.

Every picture's DOT is a golden file in ``tests/golden/gallery/``: a change in
what a drawing says, how it is laid out or which page fit it chooses shows up
as a diff to review (``CHAINRULE_UPDATE_GOLDEN=1`` rewrites them; then rerun
``make gallery`` and look at the pictures). The committed SVGs are the
renderings of those DOT files, and the README lists every one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from seeds import gallery

from autograd import Drawing

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "gallery"
DOCS = ROOT / "docs" / "gallery"
UPDATE = os.environ.get("CHAINRULE_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def pictures() -> dict[str, Drawing]:
    drawings: dict[str, Drawing] = gallery.drawings()
    return drawings


def test_every_picture_is_its_golden_dot(pictures: dict[str, Drawing]) -> None:
    assert len(pictures) == 7 * 3 + 12  # seven graphs in three views, the neuron's 12 frames
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for stem, drawing in pictures.items():
            (GOLDEN / f"{stem}.dot").write_text(drawing.source, encoding="utf-8")
    changed = [stem for stem, drawing in pictures.items()
               if (GOLDEN / f"{stem}.dot").read_text(encoding="utf-8") != drawing.source]
    assert not changed, (f"the DOT of {changed} changed; if on purpose, rerun with "
                         f"CHAINRULE_UPDATE_GOLDEN=1, run `make gallery` and look at them")
    assert sorted(p.stem for p in GOLDEN.glob("*.dot")) == sorted(pictures)


def test_the_committed_gallery_is_rendered_from_them(pictures: dict[str, Drawing]) -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    for stem in ("f_both", "neuron_backward", "batch_forward", "neuron_step_b3"):
        assert f"({stem}.svg)" in readme
        assert (DOCS / f"{stem}.svg").read_text(encoding="utf-8") == pictures[stem].svg(), (
            f"docs/gallery/{stem}.svg is not the rendering of its DOT: run `make gallery`")
    assert sorted(p.stem for p in DOCS.glob("*.svg")) == sorted(pictures)
