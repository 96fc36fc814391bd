"""step_through: frames of backprop, fixed positions, files, players."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from seeds import SEEDS

import autograd
from autograd import Drawing, Op, Stepper, Value, step_through

SVG = "{http://www.w3.org/2000/svg}"


def lecture_f() -> Value:
    return SEEDS["f"]()


def shared_g() -> Value:
    """g = x·x + x at x = 3: x gets 1 from +, then 3 and 3 from ×; dg/dx = 7."""
    return SEEDS["square_plus"]()


def node_line(source: str, name: str) -> str:
    return next(line for line in source.splitlines() if f">{name}</font>" in line)


def grad_of(source: str, name: str) -> str:
    m = re.search(r">(grad [^<]*)<", node_line(source, name))
    assert m is not None
    return m.group(1)


def test_one_frame_per_op_plus_the_seed() -> None:
    s = step_through(lecture_f())
    assert isinstance(s, Stepper) and len(s) == 3
    frames = list(s)
    assert all(isinstance(f, Drawing) for f in frames) and frames[1] is s[1]
    assert s.active == [None, "op4", "op3"]
    x = Value(0.5, label="x")
    deep = ((x * 2.0).tanh() + x.exp()).sigmoid()
    assert len(step_through(deep)) == 1 + 5  # ×, tanh, exp, +, σ


def test_frame_zero_seeds_the_root_and_shows_question_marks() -> None:
    src = step_through(lecture_f())[0].source
    assert grad_of(src, "f") == "grad 1"
    for name in ("u", "v", "w"):
        assert grad_of(src, name) == "grad ?"
    assert "grad 0" not in src
    assert 'class="op active' not in src


def test_each_step_highlights_its_op_and_fills_its_inputs() -> None:
    s = step_through(lecture_f())
    one = s[1].source
    assert 'id="op4", class="op active"' in one and 'id="op3", class="op pending"' in one
    assert grad_of(one, "w") == "grad 5" and grad_of(one, "u") == "grad ?"
    assert ">1 × 5 = 5<" in one and ">?<" in one  # the + node's edges still wait
    assert 'class="value leaf receiving"' in node_line(one, "w")
    assert 'class="value done"' in node_line(one, "f")
    two = s[2].source
    assert 'id="op3", class="op active"' in two and 'id="op4", class="op done"' in two
    assert grad_of(two, "u") == "grad 4" and grad_of(two, "v") == "grad 4"
    assert "grad ?" not in two and ">?<" not in two
    assert "Step 2 of 2" in s.captions[2] and "u += 4 × 1 = 4" in s.captions[2]
    # an unlabelled node is named by its formula; upstream × local = contribution
    assert s.captions[1] == ("Step 1 of 2: through × (mul) of f: upstream ∂f/∂f = 1; "
                             "(u + v) += 1 × 4 = 4; w += 1 × 5 = 5.")


def test_accumulation_fills_slots_in_the_engines_order() -> None:
    """x·x + x: the + (made last) is handled first, so its slot fills first; the
    sum is written in the order the engine adds it (× first, then +)."""
    s = step_through(shared_g())
    assert len(s) == 3
    assert grad_of(s[1].source, "x") == "grad ? + ? + 1"
    assert grad_of(s[2].source, "x") == "grad 7 = 3 + 3 + 1"
    assert "x += 1 × 3 = 3; x += 1 × 3 = 3" in s.captions[2]


def test_the_users_graph_is_not_modified() -> None:
    f = lecture_f()
    nodes = autograd.topological_order(f)
    u = next(n for n in nodes if n.label == "u")
    u.grad = 42.0
    before = [(n.data, n.grad, n.label, n.children) for n in nodes]
    s = step_through(f)
    s.html()
    assert [(n.data, n.grad, n.label, n.children) for n in nodes] == before
    f.backward()  # and the graph still works as usual afterwards
    assert [n.grad for n in nodes if n.label == "w"] == [5.0] and u.grad == 46.0


def _node_geometry(svg: str) -> dict[str, tuple[str, ...]]:
    """For each node id: the coordinates of its shapes (where it sits and how big)."""
    root = ET.fromstring(svg.encode("utf-8"))
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        shapes = []
        for el in g:
            if el.tag == f"{SVG}polygon":
                shapes.append(el.get("points") or "")
            elif el.tag == f"{SVG}ellipse":
                shapes.append(f"{el.get('cx')},{el.get('cy')},{el.get('rx')},{el.get('ry')}")
        out[g.get("id") or ""] = tuple(shapes)
    return out


@pytest.mark.parametrize("make", [lecture_f, shared_g])
def test_node_positions_stay_fixed_across_frames(make: object) -> None:
    s = step_through(make())  # type: ignore[operator]
    layouts = [_node_geometry(frame.svg()) for frame in s]
    assert len(layouts[0]) >= 4
    for k, layout in enumerate(layouts[1:], 1):
        assert layout == layouts[0], f"frame {k} moved a node"
    texts = [frame.svg() for frame in s]
    assert len(set(texts)) == len(s)  # but what they say does change


def test_user_defined_op_steps_through() -> None:
    cube = Op("cube", "x³", f=lambda x: x * x * x, df=lambda x, y: 3 * x * x)
    x = Value(2.0, label="x")
    y = cube(x)
    y.label = "y"
    s = step_through(y)
    assert len(s) == 2 and grad_of(s[1].source, "x") == "grad 12"
    assert "x³" in s.captions[1] and "cube" in s.captions[1]


def test_save_frames_writes_one_file_per_frame(tmp_path: Path) -> None:
    s = step_through(lecture_f())
    svgs = s.save_frames(tmp_path / "svg")
    assert [p.name for p in svgs] == ["frame_000.svg", "frame_001.svg", "frame_002.svg"]
    for p in svgs:
        ET.fromstring(p.read_bytes())
    pngs = s.save_frames(tmp_path / "png", fmt="png")
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    dots = s.save_frames(tmp_path / "dot", fmt="dot")
    assert dots[1].read_text(encoding="utf-8") == s[1].source
    with pytest.raises(ValueError, match="fmt must be one of svg, png, pdf, dot, got 'gif'"):
        s.save_frames(tmp_path, fmt="gif")


def player_data(page: str) -> dict[str, Any]:
    """The JSON the player's script reads (frames 1..n as base64 SVG, captions...)."""
    m = re.search(r'<script type="application/json" class="cr-data">(.*?)</script>', page,
                  re.S)
    assert m is not None
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def frame_zero(page: str) -> str:
    m = re.search(r'<img[^>]* src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert m is not None
    return base64.b64decode(m.group(1)).decode("utf-8")


def test_save_html_is_self_contained_with_frame_zero_visible(tmp_path: Path) -> None:
    s = step_through(lecture_f())
    path = s.save_html(tmp_path / "f.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('class="cr-frame"') == 1
    assert frame_zero(page) == s[0].svg()  # frame 0 is a picture without JavaScript
    data = player_data(page)
    assert [base64.b64decode(f).decode("utf-8") for f in data["frames"]] == \
        [s[1].svg(), s[2].svg()]
    assert data["captions"] == s.captions and data["active"] == ["", "op4", "op3"]
    assert "turn on JavaScript to step through" in page
    assert " id=" not in page.split("<script>")[0].split("<svg")[0]  # no id to share
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing fetched
    assert "https://" not in page
    assert page == s.html()  # the same player as in Jupyter, around a page
    bundle = s._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/html"] in page.replace("turn on JavaScript",
                                               "run the cell (or trust the notebook)")
    assert not hasattr(s, "_repr_html_")


def test_a_failed_save_leaves_no_file(tmp_path: Path) -> None:
    s = step_through(lecture_f())
    folder = tmp_path / "player.html"
    folder.mkdir()
    with pytest.raises(OSError, match="player.html"):
        s.save_html(folder)
    assert folder.is_dir() and list(tmp_path.iterdir()) == [folder]
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    with pytest.raises(OSError, match="not_a_folder"):
        s.save_frames(blocker)


def test_player_without_renderer_shows_dot_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_RENDERER", "none")
    s = step_through(lecture_f())
    page = s._repr_mimebundle_()["text/html"]
    assert "pip install graphviz-pure" in page and page.count("digraph chainrule") == 3
    assert player_data(page)["kind"] == "dot"


def test_widget_play_and_slider_show_each_frame() -> None:
    ipywidgets = pytest.importorskip("ipywidgets", reason="ipywidgets is in the test extra")
    s = step_through(lecture_f())
    w = s.widget()
    assert isinstance(w, ipywidgets.VBox) and w.layout.width == "100%"
    bar, caption, picture = w.children
    play, slider = bar.children
    assert isinstance(play, ipywidgets.Play) and play.max == slider.max == 2
    assert frame_zero(picture.value) == s[0].svg()
    assert "max-width:100%" in picture.value and "seed" in caption.value
    slider.value = 2
    assert "Step 2 of 2" in caption.value
    shown = frame_zero(picture.value)
    assert shown == s[2].svg() and "grad 4" in shown


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="step_through: root must be a Value, got str"):
        step_through("f")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="renderer"):
        step_through(lecture_f(), renderer="cairo")
    x = Value(0.1, label="x")
    y = x
    for _ in range(30):
        y = y.tanh()
    with pytest.raises(ValueError, match="30 steps, more than max_steps=20"):
        step_through(y, max_steps=20)
    assert len(step_through(y, max_steps=None)) == 31
    leaf = Value(1.0, label="a")
    s = step_through(leaf)  # a lone leaf: just the seed
    assert len(s) == 1 and grad_of(s[0].source, "a") == "grad 1"


def test_save_frames_on_a_full_disk_leaves_whole_frames_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import threading

    import autograd.files

    real_fsync, calls, lock = autograd.files.os.fsync, [0], threading.Lock()

    def second_fails(fd: int) -> None:
        with lock:
            calls[0] += 1
            if calls[0] == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(autograd.files.os, "fsync", second_fails)
    s = step_through(lecture_f())
    with pytest.raises(OSError, match=r"cannot write '.*frame_00\d\.svg': No space left"):
        s.save_frames(tmp_path / "frames")
    left = sorted((tmp_path / "frames").iterdir())
    assert len(left) == 2 and all(p.name.startswith("frame_") for p in left)  # no .tmp
    for p in left:
        ET.fromstring(p.read_bytes())  # each one whole
