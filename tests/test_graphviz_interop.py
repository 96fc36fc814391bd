"""The ``graphviz`` Python package: ``Drawing.to_graphviz()`` and ``draw_dot``,
used through the package's own API (``.source``, ``.pipe()``, ``.render()``,
``.view()``, notebook display), laid out by graphviz-pure with no `dot` on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest

from autograd import Value, draw, draw_dot
from autograd.drawing import Drawing, RenderError, find_renderer
from autograd.drawing.interop import record_text

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def no_dot_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not os.path.exists(os.path.join(d, "dot"))]
    monkeypatch.setenv("PATH", os.pathsep.join(dirs))
    monkeypatch.delenv("CHAINRULE_RENDERER", raising=False)
    r = find_renderer()
    assert r is not None and r.name == "graphviz-pure"
    assert shutil.which("dot") is None  # the package alone would raise ExecutableNotFound


def lecture_f() -> Value:
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    f = (u + v) * w
    f.label = "f"
    return f


def lecture_L() -> tuple[Value, dict[str, Value]]:
    """The micrograd lecture's L = (a·b + c)·f at a=2, b=-3, c=10, f=-2."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L, {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "L": L}


def node_texts(svg: str) -> dict[str, list[str]]:
    """Each node's <title> (its DOT id) -> its text elements, in order."""
    out = {}
    for g in ET.fromstring(svg.encode("utf-8")).iter(f"{SVG}g"):
        if g.get("class") == "node":
            title = g.find(f"{SVG}title")
            assert title is not None
            out[title.text or ""] = [t.text or "" for t in g.iter(f"{SVG}text")]
    return out


def node_shapes(svg: str) -> dict[str, set[str]]:
    out = {}
    for g in ET.fromstring(svg.encode("utf-8")).iter(f"{SVG}g"):
        if g.get("class") == "node":
            title = g.find(f"{SVG}title")
            assert title is not None
            out[title.text or ""] = {child.tag.removeprefix(SVG) for child in g}
    return out


# -- Drawing.to_graphviz ---------------------------------------------------------------------

def test_to_graphviz_is_a_source_of_the_same_dot_that_pipes_without_dot(
        no_dot_on_path: None) -> None:
    d = draw(lecture_f(), "both")
    gv = d.to_graphviz()
    assert isinstance(gv, graphviz.Source)
    assert gv.source == d.source
    assert gv.pipe("svg", encoding="utf-8") == d.svg()  # same program, same DOT
    assert gv.pipe("png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert gv.pipe("pdf")[:5] == b"%PDF-"  # graphviz-pure's SVG, converted
    bundle = gv._repr_mimebundle_()  # what Jupyter displays
    assert "data 20" in bundle["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]


def test_to_graphviz_render_and_view_write_files(no_dot_on_path: None, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    gv = draw(lecture_f(), "backward").to_graphviz(filename="f.gv", directory=tmp_path)
    out = gv.render(format="png")
    assert Path(out) == tmp_path / "f.gv.png"
    assert Path(out).read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "f.gv").read_text(encoding="utf-8") == gv.source
    out = gv.render(outfile=tmp_path / "slide.svg")
    assert "1 × 5 = 5" in Path(out).read_text(encoding="utf-8")
    with pytest.raises(graphviz.FileExistsError):
        gv.render(outfile=tmp_path / "slide.svg", raise_if_result_exists=True)

    opened: list[str] = []
    platform = graphviz.backend.viewing.PLATFORM
    monkeypatch.setattr(type(gv), f"_view_{platform}",
                        staticmethod(lambda path, quiet=False: opened.append(path)), raising=False)
    out = gv.view()  # the package's default format (pdf), next to the last source saved
    assert opened == [out] and Path(out).read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "f.gv", "f.gv.png", "slide.gv", "slide.gv.pdf", "slide.svg"]  # no temporary file left


def test_to_graphviz_keeps_options_and_renderer_through_copy(no_dot_on_path: None) -> None:
    d = Drawing(draw(lecture_f()).source, renderer="graphviz-pure")
    gv = d.to_graphviz(format="svg", engine="dot")
    assert gv.format == "svg" and gv.engine == "dot"
    twin = gv.copy()
    assert type(twin) is type(gv) and twin.chainrule_renderer == "graphviz-pure"
    assert twin.source == gv.source and "<svg" in twin.pipe(encoding="utf-8")


def test_to_graphviz_errors_are_the_packages(no_dot_on_path: None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Drawing("digraph chainrule { a -> }").to_graphviz()
    with pytest.raises(graphviz.CalledProcessError) as info:
        broken.pipe("svg", quiet=True)
    assert info.value.returncode != 0 and b"syntax error" in info.value.stderr
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # no converter: PDF is a clear error
    with pytest.raises(RenderError, match=r'pip install "chainrule\[pdf\]"'):
        draw(lecture_f()).to_graphviz().pipe("pdf")
    monkeypatch.setenv("CHAINRULE_RENDERER", "none")
    with pytest.raises(RenderError, match="no Graphviz renderer"):
        draw(lecture_f()).to_graphviz().pipe("svg")


def test_a_system_dot_is_run_with_the_packages_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a `dot` on PATH (here a fake that logs its arguments and hands the work
    to graphviz-pure), it does the layout, with -K and -T as the package sets them."""
    pure = find_renderer("graphviz-pure")
    assert pure is not None
    log = tmp_path / "argv.log"
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\n"
                    "if [ \"$1\" = '-T?' ]; then exec '" + pure.path + "' \"$@\"; fi\n"
                    f"echo \"$@\" >> '{log}'\n"
                    f"exec '{pure.path}' \"$@\"\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("CHAINRULE_RENDERER", raising=False)
    gv = draw_dot(lecture_f())
    assert "<svg" in gv.pipe(encoding="utf-8")
    gv.copy().pipe("png", engine="neato")
    assert log.read_text().splitlines() == ["-Kdot -Tsvg", "-Kneato -Tpng"]


# -- draw_dot ---------------------------------------------------------------------------------

def test_draw_dot_is_the_lecture_picture(no_dot_on_path: None) -> None:
    L, v = lecture_L()
    L.backward()
    g = draw_dot(L)
    assert isinstance(g, graphviz.Digraph)
    assert g.format == "svg" and g.graph_attr == {"rankdir": "LR"}
    svg = g.pipe(encoding="utf-8")
    texts = node_texts(svg)
    records = {t[0]: t[1:] for t in texts.values() if len(t) == 3}
    assert records == {
        "a": ["data 2.0000", "grad 6.0000"], "b": ["data -3.0000", "grad -4.0000"],
        "c": ["data 10.0000", "grad -2.0000"], "e": ["data -6.0000", "grad -2.0000"],
        "d": ["data 4.0000", "grad -2.0000"], "f": ["data -2.0000", "grad 4.0000"],
        "L": ["data -8.0000", "grad 1.0000"]}
    ops = sorted(t[0] for t in texts.values() if len(t) == 1)
    assert ops == ["*", "*", "+"]
    shapes = node_shapes(svg)
    assert all("ellipse" in shapes[name] for name in shapes if name.endswith("op"))
    assert all("polygon" in shapes[name] for name in shapes if not name.endswith("op"))
    # value -> op of its user -> the value it makes; 6 + 3 edges
    assert g.source.count("->") == 9
    assert "v2 -> v4op" in g.source and "v4op -> v4" in g.source  # e feeds +, + makes d


def test_draw_dot_reads_grad_as_stored(no_dot_on_path: None) -> None:
    L, v = lecture_L()
    assert "grad 0.0000" in draw_dot(L).source and "grad 6.0000" not in draw_dot(L).source
    L.backward()
    L.backward()  # accumulates: twice the gradients, as stored
    src = draw_dot(L).source
    assert "{ a | data 2.0000 | grad 12.0000 }" in src
    assert "{ L | data -8.0000 | grad 2.0000 }" in src
    v["a"].grad = 0.5  # whatever is stored is shown
    assert "{ a | data 2.0000 | grad 0.5000 }" in draw_dot(L).source


def test_draw_dot_options_format_rankdir_and_svg_text(no_dot_on_path: None, tmp_path: Path
                                                     ) -> None:
    g = draw_dot(lecture_f(), format="png", rankdir="TB")
    assert g.format == "png" and g.graph_attr == {"rankdir": "TB"}
    out = g.render(tmp_path / "lecture")
    assert Path(out).name == "lecture.png" and Path(out).read_bytes()[:4] == b"\x89PNG"
    assert g.pipe("pdf")[:5] == b"%PDF-"


def test_draw_dot_one_edge_per_use_and_deterministic(no_dot_on_path: None) -> None:
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    src = draw_dot(b).source
    assert src.count("v0 -> v1op") == 2
    assert draw_dot(b).source == src
    x = Value(0.5, label="x")
    y = (x ** 2).tanh() - x.exp() / 3
    src = draw_dot(y).source
    for symbol in ('"**2"', "tanh", "exp", "÷", "−"):
        assert f"label={symbol}" in src or f'label="{symbol}"' in src, (symbol, src)


@pytest.mark.parametrize("label", ['{ } | < > " \\ & x', "\\N\\G\\l", "a\nb", "&amp; &#123;",
                                   "  ", "", "<b>bold?</b>", "∂f/∂x · Σ"])
def test_draw_dot_labels_never_break_the_record(no_dot_on_path: None, label: str) -> None:
    x = Value(1.5, label=label)
    y = x * 2
    y.label = "y"
    y.backward()
    texts = node_texts(draw_dot(y).pipe(encoding="utf-8"))
    shown = " ".join(t.strip() for t in texts["v0"][:-2])  # a line break: two lines
    assert shown.strip() == " ".join(label.split("\n")).strip()
    assert texts["v0"][-2:] == ["data 1.5000", "grad 2.0000"]
    assert texts["v2"] == ["y", "data 3.0000", "grad 1.0000"]


def test_record_text_escapes_each_special() -> None:
    assert record_text('{}|<>"&') == "&#123;&#125;&#124;&lt;&gt;&quot;&amp;"
    assert record_text("a\\b") == "a\\\\b"
    assert record_text("a\nb\tc\x00") == "a\\nb c "
    assert record_text("∂ Σ × − ·") == "∂ Σ × − ·"


def test_draw_dot_bad_input_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="draw_dot: root must be a Value, got float"):
        draw_dot(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="draw_dot: root must be a Value, got list"):
        draw_dot([Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be 'LR' or 'TB', got 'RL'"):
        draw_dot(lecture_f(), rankdir="RL")
    with pytest.raises(TypeError, match="format must be a format name"):
        draw_dot(lecture_f(), format=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown format"):
        draw_dot(lecture_f(), format="nope")


def test_draw_dot_walks_a_deep_graph_without_recursion() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(20_000):
        y = y * 1.0001 + 0.001
    g = draw_dot(y)
    # x, then per step: the constants 1.0001 and 0.001 (leaves) and the two results
    assert g.source.count("shape=record") == 80_001


def test_import_autograd_does_not_import_graphviz() -> None:
    code = "import sys, autograd; print('graphviz' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "False"
