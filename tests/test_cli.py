"""The command line, run as a user runs it: ``sys.executable -m autograd`` in a
subprocess (and the ``chainrule`` console script), in a scratch folder."""

from __future__ import annotations

import io
import keyword
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import autograd
import autograd.cli
from autograd import Value
from autograd.expr import FUNCTIONS
from autograd.ops import TABLE

FUNCTION_NAMES = set(FUNCTIONS)

REPO = Path(__file__).resolve().parents[1]
LECTURE = ["(u+v)*w", "u=2", "v=3", "w=4"]


def run(cwd: Path, *args: str, path: str | None = None, program: list[str] | None = None,
        renderer: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("CHAINRULE_RENDERER", None)
    if renderer is not None:
        env["CHAINRULE_RENDERER"] = renderer
    if path is not None:
        env["PATH"] = path
    argv = (program or [sys.executable, "-m", "autograd"]) + list(args)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def lecture_f() -> Value:
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    f = (u + v) * w
    f.label = "f"
    return f


def assert_refused(p: subprocess.CompletedProcess[str], *fragments: str, code: int = 2) -> None:
    """Exit ``code``, one line on stderr naming the problem, nothing on stdout."""
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("python -m autograd: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert p.stdout == ""


# -- drawing -------------------------------------------------------------------------

def test_the_lecture_command_writes_an_svg(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "--direction", "both", "-o", "f.svg")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["f = 20.0", "∂f/∂u = 4.0", "∂f/∂v = 4.0",
                                     "∂f/∂w = 5.0", "wrote f.svg"]
    assert p.stderr == ""
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "</svg>" in svg
    for label in "fuvw":  # the variable names (and the result's name) are the labels
        assert re.search(rf">{label}</text>", svg), label


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_dot_on_stdout_is_the_python_api_drawing(tmp_path: Path, direction: str) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-d", direction, "-o", "-")
    assert p.returncode == 0, p.stderr
    assert p.stdout == autograd.draw(lecture_f(), direction=direction).source.rstrip("\n") + "\n"
    assert list(tmp_path.iterdir()) == []


def test_the_three_directions_differ_and_dot_is_the_default_output(tmp_path: Path) -> None:
    outs = {d: run(tmp_path, "draw", *LECTURE, "-d", d).stdout
            for d in ("forward", "backward", "both")}
    assert all(o.startswith("digraph") for o in outs.values())
    assert len(set(outs.values())) == 3


def test_png_and_svg_render_without_dot_on_path(tmp_path: Path) -> None:
    """pip alone: PATH holds no Graphviz; the renderer installed with the package is used."""
    for out in ("f.png", "f.svg", "f.jpg"):
        p = run(tmp_path, "draw", *LECTURE, "-d", "backward", "-o", out, path="/nonexistent")
        assert p.returncode == 0, p.stderr
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "f.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert "<svg" in (tmp_path / "f.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".dot", ".gv"])
def test_dot_and_gv_files_hold_the_dot_text(tmp_path: Path, suffix: str) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-d", "backward", "-o", "f" + suffix)
    assert p.returncode == 0, p.stderr
    text = (tmp_path / ("f" + suffix)).read_text(encoding="utf-8")
    assert text.rstrip("\n") == autograd.draw(lecture_f(), direction="backward").source.rstrip("\n")


def test_pdf_without_dot_or_the_converter_is_a_clear_error(tmp_path: Path) -> None:
    """graphviz-pure makes no PDF; without the pdf extra's converter it is one line."""
    no_converter = [sys.executable, "-c", "import sys; sys.modules['vl_convert'] = None; "
                    "from autograd.cli import main; sys.exit(main())"]
    p = run(tmp_path, "draw", *LECTURE, "-o", "f.pdf", path="/nonexistent",
            renderer="graphviz-pure", program=no_converter)
    assert_refused(p, "cannot write f.pdf", "pdf", 'pip install "chainrule[pdf]"', code=1)
    assert not (tmp_path / "f.pdf").exists()


def test_pdf_with_graphviz_pure_and_the_converter(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-o", "f.pdf", path="/nonexistent",
            renderer="graphviz-pure")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "f.pdf").read_bytes()[:5] == b"%PDF-"  # read back in test_pdf.py


def test_pdf_with_graphviz_dot(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("no system Graphviz `dot` on PATH: dot's own PDF is not tested here "
                    "(PDF from graphviz-pure and the converter is, above and in test_pdf.py)")
    p = run(tmp_path, "draw", *LECTURE, "-o", "f.pdf", "--renderer", "dot")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "f.pdf").read_bytes()[:5] == b"%PDF-"


def test_without_any_renderer(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-o", "f.svg", renderer="none")
    assert_refused(p, "cannot write f.svg", "no Graphviz renderer", "pip install graphviz-pure",
                   code=1)
    assert not (tmp_path / "f.svg").exists()
    # DOT needs no renderer; the player falls back to DOT text, with a warning
    p = run(tmp_path, "draw", *LECTURE, "-o", "f.dot", "--step-through", "s.html",
            renderer="none")
    assert p.returncode == 0, p.stderr
    assert p.stderr.startswith("warning: s.html will show DOT text, not pictures: ")
    assert (tmp_path / "f.dot").read_text(encoding="utf-8").startswith("digraph")
    assert "digraph" in (tmp_path / "s.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["f.gif", "f", "f.svg.bak", "f.html"])
def test_unknown_output_suffix(tmp_path: Path, name: str) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-o", name)
    assert_refused(p, f"output file {name!r}", "use one of .svg .png .pdf .dot .gv")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_exit_1(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-o", "no/such/folder/f.svg")
    assert_refused(p, "cannot write no/such/folder/f.svg", code=1)


def test_output_onto_a_folder_is_one_line_and_leaves_the_folder(tmp_path: Path) -> None:
    for name in ("f.svg", "f.png", "f.dot", "steps.html"):
        (tmp_path / name).mkdir()
    for args in (["-o", "f.svg"], ["-o", "f.png"], ["-o", "f.dot"],
                 ["--step-through", "steps.html"]):
        p = run(tmp_path, "draw", *LECTURE, *args)
        assert_refused(p, f"cannot write {args[1]}: Is a directory", code=1)
    (tmp_path / "frames").write_text("a file, not a folder")
    p = run(tmp_path, "draw", *LECTURE, "--frames", "frames")
    assert_refused(p, "cannot write frames", code=1)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["f.dot", "f.png", "f.svg", "frames",
                                                          "steps.html"]
    assert all(not any(d.iterdir()) for d in tmp_path.iterdir() if d.is_dir())


def _small_disk(limit: int) -> Any:
    """In the child: files may not grow past ``limit`` bytes (RLIMIT_FSIZE), and
    the signal for it is ignored, so a write fails with EFBIG as on a full disk."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("args", [["-o", "f.svg"], ["-o", "f.png"],
                                  ["--step-through", "f.html"],
                                  ["--frames", "frames"]], ids=["svg", "png", "html", "frames"])
def test_a_full_disk_leaves_no_partial_file(tmp_path: Path, args: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    env.pop("CHAINRULE_RENDERER", None)
    p = subprocess.run([sys.executable, "-m", "autograd", "draw", *LECTURE, *args],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                       preexec_fn=_small_disk(2000))
    assert_refused(p, f"cannot write {args[1]}: File too large", code=1)
    left = [x.name for x in tmp_path.rglob("*") if x.is_file()]
    assert left == [], left  # no truncated file, no temporary file


def test_a_full_or_closed_stdout_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    for argv in (["draw", *LECTURE, "-o", "-"], ["grad", *LECTURE], ["ops"]):
        with open("/dev/full", "w") as full:
            p = subprocess.run([sys.executable, "-m", "autograd", *argv], cwd=tmp_path,
                               env=env, stdout=full, stderr=subprocess.PIPE, text=True,
                               timeout=120)
        assert p.returncode == 1, (argv, p.stderr)
        assert p.stderr.splitlines() == ["python -m autograd: error: cannot write to standard "
                                         "output: [Errno 28] No space left on device"], argv
        p = subprocess.run([sys.executable, "-m", "autograd", *argv], cwd=tmp_path, env=env,
                           stderr=subprocess.PIPE, text=True, timeout=120,
                           preexec_fn=lambda: os.close(1))
        assert p.returncode == 1, (argv, p.stderr)
        assert p.stderr.splitlines() == ["python -m autograd: error: cannot write to standard "
                                         "output: it is closed"], argv
    p = subprocess.run(f"{sys.executable} -m autograd ops | head -1", shell=True,
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stderr == "" and p.stdout.startswith("op ")


def test_closed_stdout_in_process_is_a_run_error() -> None:
    out, err = io.StringIO(), io.StringIO()
    out.close()
    assert autograd.cli.main(["grad", *LECTURE], out=out, err=err) == 1
    assert err.getvalue() == ("python -m autograd: error: cannot write to standard output: "
                              "I/O operation on closed file\n")


def test_step_through_html(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-o", "f.svg", "--step-through", "steps.html")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-2:] == ["wrote f.svg", "wrote steps.html"]
    html = (tmp_path / "steps.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert html == autograd.step_through(lecture_f()).html()
    p = run(tmp_path, "draw", *LECTURE, "--step-through", "steps.svg")
    assert_refused(p, "step-through file 'steps.svg'", ".html")


def test_frames_for_slides(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "--frames", "frames", "--frames-format", "dot")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1] == "wrote 3 frames to frames/frame_*.dot"
    stepper = autograd.step_through(lecture_f())
    files = sorted((tmp_path / "frames").iterdir())
    assert [f.name for f in files] == ["frame_000.dot", "frame_001.dot", "frame_002.dot"]
    for frame, file in zip(stepper, files):
        assert file.read_text(encoding="utf-8").rstrip("\n") == frame.source.rstrip("\n")


def test_step_through_frame_limit(tmp_path: Path) -> None:
    # x*x + tanh(x): seed + 3 backprop steps = 4 frames
    p = run(tmp_path, "draw", "x*x + tanh(x)", "x=1", "-o", "f.svg", "--step-through",
            "s.html", "--max-frames", "3")
    assert_refused(p, "the step-through would have 4 frames", "--max-frames 3")
    assert list(tmp_path.iterdir()) == []
    p = run(tmp_path, "draw", "x*x + tanh(x)", "x=1", "--step-through", "s.html",
            "--max-frames", "4")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "s.html").exists()


def test_expression_starting_with_minus(tmp_path: Path) -> None:
    p = run(tmp_path, "grad", "-x*2", "x=3")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["f = -6.0", "∂f/∂x = -2.0"]
    p = run(tmp_path, "draw", "-o", "-", "--", "-x", "x=3")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("digraph")


def test_console_script(tmp_path: Path) -> None:
    script = shutil.which("chainrule", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the chainrule console script is not installed next to this Python "
                    "(pip install -e . installs it)")
    p = run(tmp_path, "draw", *LECTURE, "-d", "both", "-o", "f.svg", program=[script])
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "f.svg").exists()
    p = run(tmp_path, "draw", "u.x", "u=1", program=[script])
    assert p.returncode == 2
    assert p.stderr.startswith("chainrule: error: bad expression 'u.x'")


# -- values -------------------------------------------------------------------------

def test_missing_variable(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", "(u+v)*w", "u=2", "-o", "f.svg")
    assert_refused(p, "no value for v, w: give v=NUMBER w=NUMBER")
    assert list(tmp_path.iterdir()) == []


def test_unused_variable_is_a_warning(tmp_path: Path) -> None:
    p = run(tmp_path, "grad", *LECTURE, "x=5")
    assert p.returncode == 0
    assert p.stderr.strip() == "warning: x=5.0 is not used in the expression; ignored"
    assert p.stdout.splitlines()[0] == "f = 20.0"


@pytest.mark.parametrize(("value", "fragment"), [
    ("w=four", "value of w: 'four' is not a number"),
    ("w=", "value of w: '' is not a number"),
    ("w=1e400", "too large for a float64"),
    ("4", "expected NAME=NUMBER, got '4'"),
    ("w.x=4", "variable name 'w.x' is not a valid name"),
    ("u=7", "variable u is given twice"),
])
def test_bad_values(tmp_path: Path, value: str, fragment: str) -> None:
    p = run(tmp_path, "draw", "(u+v)*w", "u=2", "v=3", value, "-o", "f.svg")
    assert_refused(p, fragment)
    assert list(tmp_path.iterdir()) == []


NAMES = ["</script>", "<script>alert(1)</script>", "a b", "1x", "_x", "__import__", "tanh",
         "f.g", "x\u2028", "x\u2029", "", " ", "f=", "<!--", "\"", "'", "&amp;", "é\u0301x;",
         "x-y", "lambda", "None", "x\ty", "\u00a0", "f\\N"]


@pytest.mark.parametrize("payload", NAMES)
def test_name_is_checked_like_a_variable_name(payload: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = autograd.cli.main(["draw", *LECTURE, "--name", payload, "-o", "-"], out=out, err=err)
    assert code == 2 and out.getvalue() == "", (payload, err.getvalue())
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and "--name" in lines[0], lines


def test_name_generated_from_hostile_fragments_never_reaches_a_file(tmp_path: Path) -> None:
    """Every --name built from markup fragments is refused before anything is written."""
    pieces = ["<", ">", "/", "script", "\"", "'", "&", ";", "!--", "\u2028", " ", "=", "(", ")",
              "on", "error", "x", "_", "1", "é"]
    rng = random.Random(7)
    refused = 0
    for _ in range(300):
        name = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        out, err = io.StringIO(), io.StringIO()
        code = autograd.cli.main(["draw", *LECTURE, "--name", name, "--step-through",
                                  str(tmp_path / "f.html")], out=out, err=err)
        if name.isidentifier() and not name.startswith("_") and not keyword.iskeyword(name) \
                and name not in ("u", "v", "w") and name not in FUNCTION_NAMES:
            assert code == 0, (name, err.getvalue())
            page = (tmp_path / "f.html").read_text(encoding="utf-8")
            assert "--name" not in err.getvalue() and f"∂{name}/∂{name}" in page
        else:
            assert code == 2 and "--name" in err.getvalue(), (name, err.getvalue())
            refused += 1
    assert refused > 200


def test_name_that_is_a_variable_or_title_that_cannot_be_drawn_is_refused(
        tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "--name", "u", "-o", "f.svg")
    assert_refused(p, "--name 'u' is also a variable of the expression")
    for title in ("a\x01b", "\x7f"):
        err = io.StringIO()
        assert autograd.cli.main(["draw", *LECTURE, "--title", title], out=io.StringIO(),
                                 err=err) == 2
        assert "--title: the title holds the control character" in err.getvalue()
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    p = subprocess.run([sys.executable, "-m", "autograd", "draw", *LECTURE, "--title",
                        b"bad\xff", "-o", "f.svg"], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)  # undecodable argv: a lone surrogate in Python
    assert_refused(p, "--title: the title holds a lone surrogate")
    assert list(tmp_path.iterdir()) == []


def test_grad_prints_exact_values(tmp_path: Path) -> None:
    p = run(tmp_path, "grad", "sigmoid(w*x + b)", "w=0.5", "x=2", "b=-1")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["f = 0.5", "∂f/∂w = 0.5", "∂f/∂x = 0.125",
                                     "∂f/∂b = 0.25"]
    p = run(tmp_path, "grad", "loss = (y - 3)**2", "y=1/2", "--name", "L")
    assert p.stdout.splitlines() == ["L = 6.25", "∂L/∂y = -5.0"]


# -- injection attempts: refused, exit 2, nothing run, nothing written --------------

PAYLOADS = [
    "__import__('os').system('touch {m}')",
    "__import__('os')",
    "open('{m}', 'w')",
    "exec(\"open('{m}', 'w')\")",
    "eval(\"open('{m}', 'w')\")",
    "compile('open(1)', 'x', 'eval')",
    "(lambda: open('{m}', 'w'))()",
    "[open('{m}', 'w') for _ in (1,)]",
    "().__class__.__bases__[0].__subclasses__()",
    "u.__class__.__init__.__globals__",
    "getattr(u, '__class__')",
    "tanh.__globals__",
    "exp(x=u)",
    "exp(*u)",
    "breakpoint()",
    "print('{m}')",
    "'{m}'",
    "u if open('{m}', 'w') else v",
    "(u := 3)",
    "u; import os",
    "u\nimport os",
    "u < v",
    "__builtins__",
    "9**9**9**9",
    "2**10**10",
    "u ** 100000",
    "(" * 300 + "u" + ")" * 300,
    "u+" * 1500 + "u",
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_injection_attempts_are_refused(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    expression = payload.format(m=marker) if "{m}" in payload else payload
    p = run(tmp_path, "draw", expression, "u=2", "v=3", "-o", "out.svg")
    assert_refused(p, "bad expression")
    assert not marker.exists()
    assert list(tmp_path.iterdir()) == []


# -- help, ops, demo --------------------------------------------------------------------

def test_help(tmp_path: Path) -> None:
    p = run(tmp_path, "--help")
    assert p.returncode == 0
    for command in ("draw", "grad", "ops", "demo"):
        assert f"\n  {command} " in p.stdout
    p = run(tmp_path, "draw", "--help")
    assert p.returncode == 0
    assert "examples:" in p.stdout
    assert 'draw "(u+v)*w" u=2 v=3 w=4 --direction both -o f.svg' in p.stdout
    assert "--step-through" in p.stdout and "never run as Python" in p.stdout
    p = run(tmp_path)
    assert p.returncode == 2 and "usage:" in p.stderr
    assert_refused(run(tmp_path, "paint"), "unknown command 'paint'")
    assert_refused(run(tmp_path, "draw", *LECTURE, "--colour", "red"),
                   "unrecognized arguments: --colour")
    assert_refused(run(tmp_path, "draw", *LECTURE, "-d", "sideways"),
                   "invalid choice: 'sideways'")


def test_the_help_examples_work(tmp_path: Path) -> None:
    import shlex

    text = run(tmp_path, "draw", "--help").stdout
    examples = [line.split("   (")[0]  # drop a trailing "   (comment)"
                for line in text.splitlines() if line.startswith("  python -m autograd draw ")]
    assert len(examples) >= 5
    for line in examples:
        argv = shlex.split(line.split("|")[0])[3:]  # drop "python -m autograd"; no pipes
        p = run(tmp_path, *argv)
        assert p.returncode == 0, (line, p.stderr)
    for name in ("f.svg", "backward.png", "neuron.svg", "f.html", "f.gv", "frames/frame_000.svg"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_ops_lists_the_op_table(tmp_path: Path) -> None:
    p = run(tmp_path, "ops")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    names = {line.split()[0] for line in lines[1:] if line.strip() and ":" not in line[:10]}
    assert set(TABLE) <= names
    tanh = next(line for line in lines if line.startswith("tanh "))
    assert "tanh(x)" in tanh and TABLE["tanh"].doc in tanh
    assert any("leaky_relu(x[, negative_slope])" in line for line in lines)
    assert any(line.startswith("sigmoid ") and " σ " in line for line in lines)
    assert "aliases: ln = log, max = maximum, min = minimum" in p.stdout


def test_demo_writes_the_lecture_figures(tmp_path: Path) -> None:
    p = run(tmp_path, "demo", "--out", "figs", "--docs", "docs/img")
    assert p.returncode == 0, p.stderr
    figs = tmp_path / "figs"
    assert str(figs.resolve()) in p.stdout
    assert p.stdout.startswith("f = 20.0\n∂f/∂u = 4.0\n")
    for direction in ("forward", "backward", "both"):
        svg = figs / f"f_{direction}.svg"
        assert "<svg" in svg.read_text(encoding="utf-8")
        dot = (figs / f"f_{direction}.dot").read_text(encoding="utf-8")
        want = autograd.draw(lecture_f(), direction=direction).source
        assert dot.rstrip("\n") == want.rstrip("\n")
        assert (tmp_path / "docs/img" / svg.name).read_bytes() == svg.read_bytes()
        assert f"  figs/f_{direction}.svg" in p.stdout.splitlines()
    html = (figs / "f_step_through.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert p.stdout.splitlines()[-1] == "open figs/f_step_through.html in a browser to " \
                                        "step through backprop"


def test_make_demo_runs_the_demo_command() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    demo = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert demo is not None
    assert "-m autograd demo" in demo.group(1)


def test_draw_fits_a_slide_in_french_with_both_passes_as_pdf_frames(tmp_path: Path) -> None:
    p = run(tmp_path, "draw", *LECTURE, "-d", "both", "--fit", "slide", "--lang", "fr",
            "--passes", "forward+backward", "-o", "f.svg", "--frames", "frames",
            "--frames-format", "pdf")
    assert p.returncode == 0, p.stderr
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "valeur 20" in svg and "avant (trait plein)" in svg
    assert min(float(x) for x in re.findall(r'font-size="([0-9.]+)"', svg)) >= 18
    frames = sorted((tmp_path / "frames").iterdir())
    assert [f.name for f in frames] == [f"frame_00{k}.pdf" for k in range(6)]
    assert all(f.read_bytes()[:5] == b"%PDF-" for f in frames)
    assert "wrote 6 frames" in p.stdout
