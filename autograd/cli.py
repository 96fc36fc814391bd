"""The command line: ``python -m autograd`` (also installed as ``chainrule``).

Commands::

    draw  EXPR NAME=NUMBER... [-d forward|backward|both] [-o FILE]
          [--step-through HTML] [--frames DIR]
    grad  EXPR NAME=NUMBER...      the value and every ∂f/∂variable
    ops                            the op table: name, symbol, how to call, derivative
    demo  [-o DIR] [--docs [DIR]]  f = (u+v)·w drawn forward, backward, both, step-through

Expressions are checked by :mod:`autograd.expr` (a whitelist over :mod:`ast`),
never ``eval``-ed. Exit codes: 0 done, 1 could not render or write a file,
2 bad command line, expression, variable or file suffix (nothing was run and
nothing written). Every error is one line on stderr.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .backprop import topological_order
from .drawing.drawing import SUFFIX_FORMATS
from .expr import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    ExpressionError,
    ParsedExpression,
    check_variable_name,
    method_defaults,
    parse,
    parse_assignment,
)
from .files import atomic_write
from .op import Op
from .ops import TABLE
from .value import Value

DRAW_SUFFIXES = tuple(SUFFIX_FORMATS)
"""Output formats of ``draw -o``: those of ``Drawing.save``, chosen by the
file's suffix (.pdf: Graphviz's dot, or graphviz-pure's SVG converted by the
``pdf`` extra)."""
HTML_SUFFIXES = (".html", ".htm")
DEMO_EXPRESSION = "f = (u+v)*w"
DEMO_VALUES = {"u": 2.0, "v": 3.0, "w": 4.0}
DEMO_DOCS_DIR = "docs/img"
DIRECTIONS = ("forward", "backward", "both")
MAX_FRAMES = 100


class UsageError(Exception):
    """A bad command line: exit code 2, nothing run."""


class RunError(Exception):
    """A failure while rendering or writing: exit code 1."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (raised, so ``main`` decides the exit code)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def parse_command(self, argv: Sequence[str]) -> argparse.Namespace:
        """Options anywhere; an expression may start with '-' when it holds an
        operator ("-x*2") or follows '--'."""
        argv = list(argv)
        tail: list[str] = []
        if "--" in argv:
            i = argv.index("--")
            argv, tail = argv[:i], argv[i + 1:]
        hidden: dict[str, str] = {}

        def hide(arg: str) -> str:
            key = f"\x00{len(hidden)}"  # no leading '-': argparse takes it as positional
            hidden[key] = arg
            return key

        argv = [hide(a) if _looks_like_expression(a) else a for a in argv]
        args = self.parse_intermixed_args(argv + [hide(a) for a in tail])
        for name, value in vars(args).items():
            if isinstance(value, str):
                setattr(args, name, hidden.get(value, value))
            elif isinstance(value, list):
                setattr(args, name, [hidden.get(v, v) for v in value])
        return args


def _looks_like_expression(arg: str) -> bool:
    return arg.startswith("-") and not arg.startswith("--") and any(c in arg for c in "+*/()")


# -- draw ------------------------------------------------------------------------

DRAW_HELP = """\
Draw the computation graph of an expression: value nodes (label, value,
gradient) and op nodes, left to right. The backward view shows each edge's
local derivative and its contribution (local × upstream). The value and the
gradients are also printed.

The expression may use numbers, the variables, + - * / ** and unary - +, and
the op table's functions by name: tanh(x), exp(x), relu(x), sigmoid(x),
log(x) (or ln), abs(x), sqrt(x), max(a, b), min(a, b), sum(a, b, ...), and
parameters as trailing numbers: leaky_relu(x, 0.2), clamp(x, -1, 1).
'python -m autograd ops' lists them all. An optional "f = " in front names
the result (default f). Nothing else is accepted (attributes, subscripts,
strings, unknown names, keyword arguments...): the expression is parsed and
checked, never run as Python. Limits: {length} characters, {nodes} syntax
nodes, {depth} levels of nesting, constant exponents up to ±{exponent:g}.

Every variable needs a value NAME=NUMBER (2, -0.5, 1e-3, 1/3, inf, nan);
values for names the expression does not use are ignored with a warning.
The output format comes from the suffix of -o: {suffixes} (.pdf
needs Graphviz's dot or pip install "chainrule[pdf]"); -o - (or no -o) writes
the DOT text to stdout.
"""

DRAW_EXAMPLES = """\
examples:
  {prog} "(u+v)*w" u=2 v=3 w=4 --direction both -o f.svg
  {prog} "f = (u+v)*w" u=2 v=3 w=4 -d backward -o backward.png
  {prog} "tanh(w1*x1 + w2*x2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432 -o neuron.svg
  {prog} "x*x + max(x, 0)" x=3 -o - | dot -Tpdf > square.pdf
  {prog} "(u+v)*w" u=2 v=3 w=4 --step-through f.html --frames frames
  {prog} -o f.gv -- "-x" x=3        (an expression that looks like an option goes after --)
"""


def _draw_parser(prog: str) -> _Parser:
    p = _Parser(prog=f"{prog} draw",
                description=DRAW_HELP.format(length=MAX_LENGTH, nodes=MAX_NODES,
                                             depth=MAX_DEPTH, exponent=MAX_EXPONENT,
                                             suffixes=" ".join(DRAW_SUFFIXES)),
                epilog=DRAW_EXAMPLES.format(prog=f"{prog} draw"),
                formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_expression_arguments(p)
    p.add_argument("-d", "--direction", choices=DIRECTIONS, default="forward",
                   help="forward: values on the edges; backward: the same layout with "
                        "arrows reversed, upstream × local = contribution on each edge; "
                        "both: overlaid (default: forward)")
    p.add_argument("--fit", choices=("slide", "slide-4:3", "a4", "a4-landscape"), default=None,
                   help="lay the drawing (and the frames) out for a page: text at least "
                        "18 pt on a slide, 8 pt on A4")
    p.add_argument("--lang", choices=("en", "fr"), default=None,
                   help="the drawing's words and the step-through's captions in English "
                        "or French")
    p.add_argument("--passes", choices=("backward", "forward", "forward+backward"),
                   default="backward", help="what the step-through steps through "
                                            "(default: backward)")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="write the drawing here (.svg .png .pdf .dot ...; '-' for DOT "
                        "on stdout, the default)")
    p.add_argument("--step-through", metavar="HTML", default=None,
                   help="also write the backprop step-through player (one frame per "
                        "step) as a self-contained .html file")
    p.add_argument("--frames", metavar="DIR", default=None,
                   help="also write each step-through frame as its own file, "
                        "DIR/frame_000.svg ... (for slides)")
    p.add_argument("--frames-format", choices=("svg", "png", "pdf", "dot"), default="svg",
                   help="file format of --frames (default: svg)")
    p.add_argument("--max-frames", type=_positive_int, default=MAX_FRAMES, metavar="N",
                   help=f"refuse a step-through of more than N frames (default "
                        f"{MAX_FRAMES}; each frame is one Graphviz render)")
    p.add_argument("--title", default=None, help="a title above the graph")
    p.add_argument("--renderer", choices=("dot", "graphviz-pure"), default=None,
                   help="which Graphviz to render with (default: dot when on PATH, "
                        "else graphviz-pure)")
    return p


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return n


def _add_expression_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", help='the expression, quoted: "(u+v)*w"')
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER",
                   help="a value for each variable: u=2 v=3 w=4")
    p.add_argument("--name", default=None,
                   help="label of the result node (default: the 'f =' of the "
                        "expression, else f)")


def _suffix(path: str, allowed: Sequence[str], what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        shown = f"'{suffix}'" if suffix else "no suffix"
        raise UsageError(f"{what} {path!r} has {shown}; use one of {' '.join(allowed)}")
    return suffix


def _read_arguments(args: argparse.Namespace, err: TextIO
                    ) -> tuple[ParsedExpression, dict[str, float], str]:
    """Parse the expression and the NAME=NUMBER values; no graph is built yet."""
    try:
        expression = parse(args.expression)
    except ExpressionError as e:
        raise UsageError(f"bad expression {_quote(args.expression)}: {e}") from None
    values: dict[str, float] = {}
    for item in args.values:
        try:
            var, x = parse_assignment(item)
        except ExpressionError as e:
            raise UsageError(str(e)) from None
        if var in values:
            raise UsageError(f"variable {var} is given twice ({var}={values[var]!r} "
                             f"and {item!r})")
        values[var] = x
    missing = [v for v in expression.variables if v not in values]
    if missing:
        raise UsageError(f"no value for {', '.join(missing)}: give "
                         f"{' '.join(m + '=NUMBER' for m in missing)} after the expression")
    for var in expression.unused(values):
        print(f"warning: {var}={values[var]!r} is not used in the expression; "
              "ignored", file=err)
    name: str | None = expression.name
    if args.name is not None:
        try:
            name = check_variable_name(args.name, "--name")
        except ExpressionError as e:
            raise UsageError(str(e)) from None
        if name in expression.variables:
            raise UsageError(f"--name {args.name!r} is also a variable of the expression; "
                             "pick another name for the result")
    if name is None:
        name = next((n for n in ("f", "y", "out", "result") if n not in values), "output")
    return expression, values, name


def _graph(expression: ParsedExpression, values: dict[str, float], name: str) -> Value:
    try:
        root = expression.evaluate(values)
    except ExpressionError as e:
        raise UsageError(f"bad expression {_quote(expression.source)}: {e}") from None
    if root.op:  # a bare variable keeps its own label
        root.label = name
    return root


def cmd_draw(argv: Sequence[str], prog: str, out: TextIO, err: TextIO) -> int:
    args = _draw_parser(prog).parse_command(argv)
    output = args.output
    if output is not None and output != "-":
        _suffix(output, DRAW_SUFFIXES, "output file")
    if args.step_through is not None:
        _suffix(args.step_through, HTML_SUFFIXES, "step-through file")
    if args.title is not None:
        from .text import check_text

        try:
            check_text("--title", "the title", args.title)
        except ValueError as e:
            raise UsageError(str(e)) from None
    expression, values, name = _read_arguments(args, err)

    from .drawing import draw, step_through  # the drawing package loads only when drawing

    root = _graph(expression, values, name)
    root.backward()
    drawing = draw(root, direction=args.direction, title=args.title, renderer=args.renderer,
                   fit=args.fit, lang=args.lang)
    stepper = None
    if args.step_through is not None or args.frames is not None:
        steps = sum(1 for node in topological_order(root) if node.op)
        frames = (steps + 1) * len(args.passes.split("+"))  # seed (or inputs) + steps
        if frames > args.max_frames:
            raise UsageError(f"the step-through would have {frames} frames (one per "
                             f"backprop step, each rendered by Graphviz), more than "
                             f"--max-frames {args.max_frames}; raise it, or step through "
                             "a smaller expression")
        # A fresh graph: the player runs backprop itself, step by step.
        stepper = step_through(_graph(expression, values, name), renderer=args.renderer,
                               max_steps=None, passes=args.passes, fit=args.fit, lang=args.lang)
    to_stdout = output == "-" or (output is None and stepper is None)
    written: list[str] = []
    if to_stdout:
        src = drawing.source
        out.write(src if src.endswith("\n") else src + "\n")
    elif output is not None:
        _write(lambda: drawing.save(output), output)
        written.append(output)
    if stepper is not None and args.step_through is not None:
        html = args.step_through
        try:
            stepper[0].svg()
        except RuntimeError as e:  # the player still works, showing DOT text
            print(f"warning: {html} will show DOT text, not pictures: "
                  f"{_one_line(str(e))}", file=err)
        _write(lambda: stepper.save_html(html), html)
        written.append(html)
    if stepper is not None and args.frames is not None:
        folder, fmt = args.frames, args.frames_format
        _write(lambda: stepper.save_frames(folder, fmt), folder)
        written.append(f"{len(stepper)} frames to {os.path.join(folder, 'frame_*.' + fmt)}")
    if not to_stdout:
        _print_result(root, expression, out)
        for path in written:
            print(f"wrote {path}", file=out)
    return 0


def _save(drawing: Any, path: Path) -> None:
    _write(lambda: drawing.save(str(path)), str(path))


def _write(action: Callable[[], Any], path: str) -> None:
    """Run a save; any failure (full disk, a folder in the way, no renderer...) is
    one RunError line naming ``path``. Saves are atomic: nothing partial is left."""
    try:
        action()
    except (OSError, ValueError, RuntimeError, NotImplementedError) as e:
        root = e.__cause__ if isinstance(e.__cause__, OSError) else e  # the system's word
        why = root.strerror if isinstance(root, OSError) and root.strerror else str(root)
        raise RunError(f"cannot write {path}: {_one_line(why) or type(e).__name__}"
                       ) from None


# -- grad --------------------------------------------------------------------------

GRAD_EXAMPLES = """\
examples:
  {prog} "(u+v)*w" u=2 v=3 w=4
  {prog} "sigmoid(w*x + b)" w=0.5 x=2 b=-1
"""


def cmd_grad(argv: Sequence[str], prog: str, out: TextIO, err: TextIO) -> int:
    p = _Parser(prog=f"{prog} grad",
                description="Evaluate an expression and print its value and its "
                            "gradient with respect to each variable (exact float64 "
                            "reprs). The expression language is the one of 'draw'.",
                epilog=GRAD_EXAMPLES.format(prog=f"{prog} grad"),
                formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_expression_arguments(p)
    args = p.parse_command(argv)
    expression, values, name = _read_arguments(args, err)
    root = _graph(expression, values, name)
    root.backward()
    _print_result(root, expression, out)
    return 0


def _print_result(root: Value, expression: ParsedExpression, out: TextIO) -> None:
    """``f = 20.0`` and ``∂f/∂u = 4.0`` for each variable (after backward)."""
    name = root.label or "f"
    print(f"{name} = {root.data!r}", file=out)
    leaves = {n.label: n for n in _leaves(root) if n.label in expression.variables}
    for var in expression.variables:
        print(f"∂{name}/∂{var} = {leaves[var].grad!r}", file=out)


def _leaves(root: Value) -> list[Value]:
    return [n for n in topological_order(root) if not n.op]


# -- ops -------------------------------------------------------------------------

def cmd_ops(argv: Sequence[str], prog: str, out: TextIO, err: TextIO) -> int:
    p = _Parser(prog=f"{prog} ops",
                description="List the op table: every op's name, display symbol, how "
                            "to call it in an expression, and its value and derivative.")
    p.parse_args(argv)
    rows = [("op", "symbol", "in an expression", "value;  derivative")]
    for name, op in TABLE.items():
        rows.append((name, _symbol(op), _usage(op), op.doc))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3], file=out)
    aliases = ", ".join(f"{a} = {f.op.name}" for a, f in FUNCTIONS.items() if a != f.op.name)
    print(f"\naliases: {aliases}", file=out)
    return 0


def _usage(op: Op) -> str:
    """How an expression (or, for ops it cannot write, Python) writes ``op``."""
    syntax = op.syntax
    if syntax.names:
        return FUNCTIONS[syntax.names[0]].signature()
    if syntax.kind in ("infix", "prefix"):
        args = ["x"] if op.arity == 1 else ["a", "b"]
        return syntax.python(args, (2.0,) * len(op.param_names)).replace("2.0", "2")
    n = 5 if op.inputs_ok is not None and op.inputs_ok(5) else 4
    args = [f"w{i + 1}" for i in range(n // 2)] + [f"x{i + 1}" for i in range(n // 2)]
    return f"(Python: {syntax.python(args + ['b'] * (n % 2))})"


def _symbol(op: Op) -> str:
    if isinstance(op.symbol, str):
        return op.symbol
    defaults = method_defaults(op)
    if defaults is None or not all(isinstance(d, (int, float)) for d in defaults):
        return op.name
    try:
        return str(op.bind(*defaults).label())
    except (TypeError, ValueError, IndexError):
        return op.name


# -- demo ------------------------------------------------------------------------

def cmd_demo(argv: Sequence[str], prog: str, out: TextIO, err: TextIO) -> int:
    p = _Parser(prog=f"{prog} demo",
                description="Draw f = (u+v)·w at u=2, v=3, w=4 (the lecture's first "
                            "example): forward, backward and both views as SVG and DOT, "
                            "and the step-through player as HTML.")
    p.add_argument("-o", "--out", metavar="DIR", default="out",
                   help="output folder (default: out)")
    p.add_argument("--docs", metavar="DIR", nargs="?", const=DEMO_DOCS_DIR, default=None,
                   help=f"also copy the SVGs to DIR for the README "
                        f"(default DIR: {DEMO_DOCS_DIR})")
    args = p.parse_args(argv)

    from .drawing import draw, step_through
    folder = Path(args.out)
    expression = parse(DEMO_EXPRESSION)
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise RunError(f"cannot create {folder}: {_one_line(str(e))}") from None
    root = _graph(expression, dict(DEMO_VALUES), "f")
    root.backward()
    svgs = []
    for direction in DIRECTIONS:
        drawing = draw(root, direction=direction)
        for suffix in (".svg", ".dot"):
            path = folder / f"f_{direction}{suffix}"
            _save(drawing, path)
            written.append(path)
        svgs.append(folder / f"f_{direction}.svg")
    html = folder / "f_step_through.html"
    stepper = step_through(_graph(expression, dict(DEMO_VALUES), "f"))
    _write(lambda: stepper.save_html(str(html)), str(html))
    written.append(html)
    if args.docs is not None:
        docs = Path(args.docs)
        try:
            docs.mkdir(parents=True, exist_ok=True)
            for svg in svgs:
                atomic_write(docs / svg.name, svg.read_bytes())
                written.append(docs / svg.name)
        except OSError as e:
            raise RunError(f"cannot copy the SVGs to {docs}: {_one_line(str(e))}") from None

    _print_result(root, expression, out)
    print(f"wrote {len(written)} files (output folder: {folder.resolve()}):", file=out)
    for path in written:
        print(f"  {path}", file=out)
    print(f"open {html} in a browser to step through backprop", file=out)
    return 0


# -- entry point -------------------------------------------------------------------

COMMANDS: dict[str, tuple[Callable[[Sequence[str], str, TextIO, TextIO], int], str]] = {
    "draw": (cmd_draw, "draw an expression's graph (forward, backward or both) to a file"),
    "grad": (cmd_grad, "print an expression's value and its gradient for each variable"),
    "ops": (cmd_ops, "list the op table (name, symbol, call, derivative)"),
    "demo": (cmd_demo, "write the f = (u+v)·w drawings and step-through player to out/"),
}


def _usage_text(prog: str) -> str:
    lines = [f"usage: {prog} COMMAND [ARGS...]   ({prog} COMMAND --help for more)", "",
             "chainrule: draw, differentiate and step through scalar expressions.", "",
             "commands:"]
    lines += [f"  {name:<6} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "examples:",
              f'  {prog} draw "(u+v)*w" u=2 v=3 w=4 --direction both -o f.svg',
              f'  {prog} grad "tanh(w*x + b)" w=0.5 x=2 b=-1',
              f"  {prog} ops",
              f"  {prog} demo --out out",
              "", "exit codes: 0 done, 1 could not render or write, 2 bad input "
              "(nothing run)."]
    return "\n".join(lines) + "\n"


def _prog() -> str:
    argv0 = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if argv0 in ("", "__main__.py", "-c") or argv0.startswith("python"):
        return "python -m autograd"
    return argv0


class _Output:
    """Standard output (or error) as the commands write to it: a stream that is
    closed, full or gone raises RunError naming it, so the user gets one line
    and exit code 1 instead of a traceback. A broken pipe (``| head``) is let
    through: that reader has all it wanted."""

    def __init__(self, stream: TextIO | None, name: str) -> None:
        self.stream = stream
        self.name = name

    def _fail(self, e: Exception | None) -> NoReturn:
        why = f": {_one_line(str(e))}" if e is not None else ": it is closed"
        raise RunError(f"cannot write to {self.name}{why}")

    def write(self, text: str) -> int:
        if self.stream is None:
            self._fail(None)
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as e:  # ValueError: "I/O operation on closed file"
            self._fail(e)

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as e:
            self._fail(e)


def _discard_pending(stream: TextIO | None) -> None:
    """Point the process's real stdout at /dev/null, so the bytes a failed write
    left in its buffer are not retried (and reported as a traceback) at exit."""
    if stream is None or stream is not sys.stdout:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run one command; returns the exit code (0 done, 1 run error, 2 bad input).

    Errors are one line on stderr; that includes a standard output that is
    closed, full or unwritable (exit 1)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    raw_out = sys.stdout if out is None else out
    stdout = _Output(raw_out, "standard output")
    err = (sys.stderr if err is None else err) or io.StringIO()  # closed stderr: no one to tell
    prog = _prog()
    writer: Any = stdout
    try:
        if not argv or argv[0] in ("-h", "--help", "help"):
            (stdout if argv else err).write(_usage_text(prog))
            stdout.flush()
            return 0 if argv else 2
        if argv[0] == "--version":
            from .version import __version__

            print(f"chainrule {__version__}", file=writer)
            stdout.flush()
            return 0
        command = COMMANDS.get(argv[0])
        if command is None:
            raise UsageError(f"unknown command {argv[0]!r}; the commands are "
                             f"{', '.join(COMMANDS)} (see '{prog} --help')")
        code = command[0](argv[1:], prog, writer, err)
        stdout.flush()
        return code
    except UsageError as e:
        print(f"{prog}: error: {_one_line(str(e))}", file=err)
        return 2
    except RunError as e:
        _discard_pending(raw_out)
        print(f"{prog}: error: {_one_line(str(e))}", file=err)
        return 1
    except SystemExit as e:  # argparse's --help
        return e.code if isinstance(e.code, int) else 0
    except BrokenPipeError:  # `... -o - | head`
        _discard_pending(raw_out)
        return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return repr(shown)
