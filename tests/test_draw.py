"""autograd.draw: golden DOT, faithful edges, escaping, rendering with pip alone."""

from __future__ import annotations

import base64
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd
from autograd import Op, Value, draw
from autograd.drawing import (
    Drawing,
    NoRendererError,
    RenderError,
    Style,
    available_renderers,
    find_renderer,
    set_default_style,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CHAINRULE_UPDATE_GOLDEN") == "1"


def lecture_f() -> Value:
    """f = (u + v) · w at u=2, v=3, w=4: the running example of the lectures."""
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    f = (u + v) * w
    f.label = "f"
    return f


def svg_root(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


@pytest.fixture
def no_dot_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH without any directory that holds a `dot` program."""
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not os.path.exists(os.path.join(d, "dot"))]
    monkeypatch.setenv("PATH", os.pathsep.join(dirs))
    monkeypatch.delenv("CHAINRULE_RENDERER", raising=False)
    assert shutil.which("dot") is None


# -- golden files ------------------------------------------------------------------

@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_golden_dot(direction: str) -> None:
    source = draw(lecture_f(), direction).source
    path = GOLDEN / f"f_{direction}.dot"
    if UPDATE:
        path.write_text(source, encoding="utf-8")
    assert source == path.read_text(encoding="utf-8"), (
        f"DOT for f=(u+v)*w ({direction}) changed; if on purpose, rerun with "
        f"CHAINRULE_UPDATE_GOLDEN=1 and review the diff of {path}")


def test_same_expression_gives_identical_bytes_and_no_ids() -> None:
    f1, f2 = lecture_f(), lecture_f()
    for direction in ("forward", "backward", "both"):
        a, b = draw(f1, direction).source, draw(f2, direction).source
        assert a == b
        for node in autograd.topological_order(f1):
            assert str(id(node)) not in a and hex(id(node)) not in a


# -- what the drawing says ------------------------------------------------------------

def edge_line(source: str, edge_id: str) -> str:
    return source.split(f'id="{edge_id}"')[1].split("\n")[0]


def test_forward_edges_carry_values_backward_edges_the_chain_rule() -> None:
    f = lecture_f()
    fwd = draw(f, "forward").source
    # nodes by creation: v0=u, v1=v, v2=w, v3=u+v, v4=f; v3 (data 5) flows into × with 5
    assert 'v3 -> op4 [id="e4_0", class="forward", color="#111111", style=solid' in fwd
    assert ">5</font>" in edge_line(fwd, "e4_0")
    assert "style=invis" in edge_line(fwd, "b4_0")  # laid out, not drawn
    bwd = draw(f, "backward").source
    # upstream × local = contribution: ∂f/∂f · ∂f/∂(u+v) = 1 × w = 4
    e40 = edge_line(bwd, "b4_0")
    assert "dir=back" in e40 and "style=solid" in e40 and ">1 × 4 = 4<" in e40
    assert ">1 × 5 = 5<" in edge_line(bwd, "b4_1")  # ∂f/∂w = u + v = 5
    assert ">4 × 1 = 4<" in edge_line(bwd, "b3_0")  # ∂(u+v)/∂u = 1, upstream 4
    assert "style=invis" in edge_line(bwd, "e4_0")
    both = draw(f, "both").source
    assert "style=solid" in edge_line(both, "e4_0") and "style=dashed" in edge_line(both, "b4_0")


def test_a_view_hides_what_it_does_not_show_without_its_text() -> None:
    """The hidden edges keep the layout; their labels are empty, so no gradient is
    written in a forward view, not even invisibly."""
    f = lecture_f()
    fwd = draw(f, "forward").source
    assert "grad" not in fwd and "×" not in fwd.replace('label="×"', "")
    assert ">4 × 1 = 4<" not in fwd
    bwd = draw(f, "backward").source
    assert '><font color="#111111">5</font></td>' not in bwd


def test_forward_view_shows_data_and_no_gradient_backward_view_the_engines() -> None:
    f = lecture_f()
    fwd = draw(f, "forward").source
    bwd = draw(f, "backward").source
    for name, data, grad in (("u", 2, 4), ("v", 3, 4), ("w", 4, 5), ("f", 20, 1)):
        line = next(line for line in fwd.splitlines() if f">{name}</font>" in line)
        assert f">data {data}<" in line and "grad" not in line
        line = next(line for line in bwd.splitlines() if f">{name}</font>" in line)
        assert f">data {data}<" in line and f">grad {grad}<" in line


def test_forward_view_can_show_the_stored_grad() -> None:
    """The exercise: fill in .grad by hand (or after backward), then redraw."""
    f = lecture_f()
    assert ".grad" not in draw(f).source
    f.backward()
    f.backward()
    src = draw(f, stored_grad=True).source
    u_line = next(line for line in src.splitlines() if ">u</font>" in line)
    assert ">.grad 8<" in u_line  # two backward calls: 4 + 4
    assert "the gradient each node holds now" in src
    with pytest.raises(ValueError, match="stored_grad=True is for the forward view"):
        draw(f, "backward", stored_grad=True)


def test_each_use_is_its_own_edge() -> None:
    a = Value(3.0, label="a")
    s = a + a
    src = draw(s, "backward").source
    assert src.count("v0 -> op1") == 4  # two uses, each drawn forward and backward
    assert 'id="b1_0"' in src and 'id="b1_1"' in src
    x = Value(-2.0, label="x")
    sq = x * x
    src = draw(sq, "both").source
    assert src.count("v0 -> op1") == 4
    # d(x*x)/dx = 2x = -4, shown as the sum of the two uses
    assert "grad −4 = −2 − 2" in src


def test_shared_node_shows_its_gradient_as_the_engines_sum_in_its_order() -> None:
    """The engine adds a node's contributions in the order its users were made:
    x·x (3, 3) before + (1)."""
    x = Value(3.0, label="x")
    g = x * x + x
    src = draw(g, "backward").source
    line = next(ln for ln in src.splitlines() if ">x</font>" in ln)
    assert "grad 7 = 3 + 3 + 1" in line
    many = autograd.sum([x * float(k) for k in range(1, 7)])  # x used 6 times
    line = next(ln for ln in draw(many, "backward").source.splitlines() if ">x</font>" in ln)
    assert "grad 21 = Σ of 6" in line


def test_numbers_have_no_minus_zero_and_a_real_minus_sign() -> None:
    x = Value(-0.5, label="x")
    y = (x * 0.0).relu() + x * -2.0  # relu' at 0 is 0: contributions of -0.0 and 0
    src = draw(y, "both").source
    assert "-0" not in src and "−0<" not in src and "− 0 " not in src
    assert "data −0.5" in src
    s = Style()
    assert s.number(-0.0) == "0" and s.number(-1e-9) == "−1e−09"
    assert Style(number_format="{:.2f}").number(-0.001) == "0.00"
    assert s.terms([0.5, -0.25, -0.0]) == "0.5 − 0.25 + 0"
    assert s.factor(-2.0) == "(−2)" and s.factor(2.0) == "2"
    assert Style(lang="fr").number(-2.5) == "−2,5"


def test_gradients_are_the_engines_own() -> None:
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    h = (x * y).tanh() + (x / (y * y + 1.0)).exp() - x.sigmoid() * 2.0
    expected = autograd.grad(h, [x, y])
    from autograd.drawing.graph import read
    t = read(h)
    got = {t.values[i].label: t.grads[i] for i in range(len(t.values)) if t.values[i].label}
    assert (got["x"], got["y"]) == expected


def test_user_defined_op_draws_with_its_symbol_and_derivative() -> None:
    cube = Op("cube", "x³", f=lambda x: x * x * x, df=lambda x, y: 3 * x * x)
    x = Value(2.0, label="x")
    y = cube(x)
    src = draw(y, "backward").source
    assert 'label="x³"' in src and 'tooltip="cube"' in src
    assert ">1 × 12 = 12<" in src


def test_parameterised_op_symbol_comes_from_the_op_table() -> None:
    x = Value(-1.0, label="x")
    y = x.leaky_relu(0.2)
    assert f"label=\"{y.fn.label()}\"" in draw(y).source  # type: ignore[union-attr]


def test_labels_are_escaped_and_render() -> None:
    x = Value(1.5, label='<a|"{b}>&\\')
    y = x * 2.0
    y.label = "y < 3"
    src = draw(y, "both").source
    assert "&lt;a|&quot;{b}&gt;&amp;\\\\" in src
    root = svg_root(draw(y, "both").svg())
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert '<a|"{b}>&\\' in texts and "y < 3" in texts


def test_does_not_touch_the_graph() -> None:
    f = lecture_f()
    nodes = autograd.topological_order(f)
    for k, node in enumerate(nodes):
        node.grad = 100.0 + k
    before = [(n.data, n.grad, n.label, n.children) for n in nodes]
    draw(f, "both").svg()
    assert [(n.data, n.grad, n.label, n.children) for n in nodes] == before


def test_style_is_configurable() -> None:
    f = lecture_f()
    src = draw(f, "backward", style=Style(number_format="{:.2f}", grad_color="#0000aa")).source
    assert "data 2.00" in src and "#0000aa" in src
    old = autograd.drawing.default_style()
    try:
        set_default_style(fontname="Courier")
        assert 'fontname="Courier"' in draw(f).source
    finally:
        set_default_style(old)
    assert 'fontname="Helvetica"' in draw(f).source
    assert Style().number(float("nan")) == "nan" and Style().number(-float("inf")) == "−inf"


def test_bad_input_errors_name_type_and_value() -> None:
    f = lecture_f()
    with pytest.raises(TypeError, match="root must be a Value, got list"):
        draw([f, f])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got float"):
        draw(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'sideways'"):
        draw(f, "sideways")
    with pytest.raises(TypeError, match="style must be"):
        draw(f, style="dark")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes"):
        draw(f, max_nodes=1)
    with pytest.raises(ValueError, match="collapse"):
        draw(f, collapse="maybe")
    with pytest.raises(ValueError, match="renderer"):
        draw(f, renderer="inkscape")
    with pytest.raises(ValueError, match="suffix '.txt'"):
        draw(f).save("f.txt")


# -- rendering ------------------------------------------------------------------------

def test_graphviz_pure_renders_svg_and_png_without_dot(no_dot_on_path: None,
                                                       tmp_path: Path) -> None:
    r = find_renderer()
    assert r is not None and r.name == "graphviz-pure", available_renderers()
    d = draw(lecture_f(), "both")
    root = svg_root(d.svg())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {"v0", "v4", "op3", "op4", "e4_0", "b4_0"} <= ids
    png = d.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 300 and height > 100
    for suffix in (".svg", ".png", ".dot", ".gv", ".jpg"):
        out = d.save(tmp_path / f"f{suffix}")
        assert out.stat().st_size > 100
    assert (tmp_path / "f.dot").read_text(encoding="utf-8") == d.source
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "f.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    # no PDF from graphviz-pure itself: its SVG is converted (read back in test_pdf.py)
    assert d.save(tmp_path / "f.pdf").read_bytes()[:5] == b"%PDF-"


def test_renders_in_a_fresh_process_with_an_empty_path(tmp_path: Path) -> None:
    """graphviz-pure is found next to the interpreter even when PATH has nothing."""
    code = ("import autograd; from autograd import Value; "
            "u = Value(2.0, label='u'); f = u * u; "
            "r = autograd.drawing.find_renderer(); print(r.name); "
            f"autograd.draw(f).save({str(tmp_path / 'f.png')!r})")
    env = {k: v for k, v in os.environ.items() if k != "CHAINRULE_RENDERER"}
    env["PATH"] = ""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "graphviz-pure"
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


def test_jupyter_display_without_renderer_shows_dot_and_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_RENDERER", "none")
    d = draw(lecture_f(), "backward")
    data, metadata = d._repr_mimebundle_()
    assert set(data) == {"text/plain"} and metadata == {}
    assert "pip install graphviz-pure" in data["text/plain"]
    assert "digraph chainrule" in data["text/plain"]
    with pytest.raises(NoRendererError, match="pip install graphviz-pure"):
        d.svg()
    assert d.source.startswith("digraph chainrule {")


def test_jupyter_display_is_one_svg_and_one_png_never_html() -> None:
    """One display path: no _repr_svg_/_repr_html_ (IPython would store each
    picture twice), and no HTML, which untrusted notebooks strip to text."""
    d = draw(lecture_f())
    assert not hasattr(d, "_repr_svg_") and not hasattr(d, "_repr_html_")
    data, metadata = d._repr_mimebundle_()
    assert set(data) == {"text/plain", "image/svg+xml", "image/png"}
    svg_root(data["image/svg+xml"])
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    width = metadata["image/png"]["width"]
    assert 100 < width <= 800 and "unconfined" not in metadata["image/png"]


def test_failing_renderer_never_raises_in_jupyter(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "dot"
    broken.write_text("#!/bin/sh\necho 'Use one of: svg png' >&2\n"
                      "[ \"$1\" = '-T?' ] && exit 1\necho boom >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("CHAINRULE_RENDERER", "dot")
    d = Drawing(draw(lecture_f()).source, renderer="dot")
    data, _ = d._repr_mimebundle_()
    page = data["text/plain"]
    assert "rendering failed" in page and "boom" in page and "digraph" in page
    with pytest.raises(RenderError, match="exit 3"):
        d.svg()


def test_a_dot_on_path_is_preferred_and_its_formats_are_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A system `dot` wins over graphviz-pure; here a `dot` that hands the work to
    graphviz-pure but claims PDF too, so the format list is seen to come from it."""
    pure = next(r for r in available_renderers() if r.name == "graphviz-pure")
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\n"
                    "if [ \"$1\" = '-T?' ]; then echo 'Format: \"?\" not recognized. "
                    "Use one of: pdf png svg' >&2; exit 1; fi\n"
                    f"exec '{pure.path}' \"$@\"\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("CHAINRULE_RENDERER", raising=False)
    r = find_renderer()
    assert r is not None and r.name == "dot" and r.path == str(fake)
    assert r.formats == frozenset({"pdf", "png", "svg"})
    assert [x.name for x in available_renderers()] == ["dot", "graphviz-pure"]
    assert "<svg" in draw(lecture_f()).svg()
    assert find_renderer("graphviz-pure") == pure
    with pytest.raises(RenderError, match="graphviz-pure .* cannot make 'pdf'"):
        pure.render("digraph { a }", "pdf")


def test_nan_and_inf_are_drawn_as_words() -> None:
    x = Value(0.0, label="x")
    y = x.log() * x  # log 0 = -inf; -inf · 0 = nan
    y.label = "y"
    src = draw(y, "backward").source
    assert "data −inf" in src and "data nan" in src
    ET.fromstring(draw(y, "both").svg().encode("utf-8"))


def test_graphviz_escapes_in_names_stay_literal() -> None:
    x = Value(1.0, label="\\N\\G")
    weird = Op("weird", "\\N", f=lambda v: v, df=lambda v, y: 1.0)
    y = weird(x)
    root = svg_root(draw(y).svg())
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "\\N\\G" in texts and "\\N" in texts


def _node_boxes(svg: str) -> dict[str, tuple[str, ...]]:
    root = svg_root(svg)
    out = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if "node" in (g.get("class") or "").split():
            out[g.get("id") or ""] = tuple(
                el.get("points") or f"{el.get('cx')},{el.get('cy')}" for el in g
                if el.tag in ("{http://www.w3.org/2000/svg}polygon",
                              "{http://www.w3.org/2000/svg}ellipse"))
    return out


def test_forward_and_backward_views_put_every_node_in_the_same_place() -> None:
    x = Value(3.0, label="x")
    g = x * x + x
    g.label = "g"
    for root in (lecture_f(), g):
        fwd = _node_boxes(draw(root, "forward").svg())
        bwd = _node_boxes(draw(root, "backward").svg())
        assert len(fwd) >= 4 and fwd == bwd


@pytest.mark.parametrize("suffix", [".svg", ".png", ".dot"])
def test_a_failed_save_keeps_the_old_file_and_leaves_no_partial_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """A full disk at the last moment (fsync fails): an OSError naming the file,
    the previous file untouched, no temporary file left behind."""
    import errno

    import autograd.files

    target = tmp_path / f"f{suffix}"
    target.write_bytes(b"previous drawing")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(autograd.files.os, "fsync", full)
    with pytest.raises(OSError, match=f"cannot write '.*f\\{suffix}': No space left"):
        draw(lecture_f()).save(target)
    assert target.read_bytes() == b"previous drawing"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    monkeypatch.undo()
    draw(lecture_f()).save(target)
    assert target.read_bytes() != b"previous drawing"
