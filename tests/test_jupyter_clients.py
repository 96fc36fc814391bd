"""The committed notebooks as a student meets them, in real clients.

A JupyterLab server (127.0.0.1, a free port, no token, fresh Jupyter data and
settings folders, so no notebook is trusted) serves copies of the committed
notebooks; Debian's headless Chromium driven by Playwright opens each one
**untrusted** and checks from the DOM that every chainrule drawing is a
picture (an ``<img>`` that decodes, or an ``<svg>`` with text; no run-on text)
shown at a readable size, that frame 0 of every player is a picture with the
line "run the cell (or trust the notebook) to step through", and that opening
it does not mark it modified; Notebook 7 (same server) shows notebook 01
untrusted too. Then a copy of notebook 01 with two more cells (the player
shown a second time, and ``stepper.widget()``) is run: both displays of the
player step on their own, drawings are SVG, the widget fits its cell.
The same picture checks run on ``jupyter nbconvert --to html``, with and
without ``--HTMLExporter.sanitize_html=True``.

Screenshots of failures are kept in ``tests/screenshots/``. Requests to
anything but the local server are blocked (the pages load nothing from the
network). Skipped, loudly, only where Chromium or the Jupyter packages are
missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, needs_browser, shot_on_failure

pytest.importorskip("jupyterlab", reason="!!! jupyterlab NOT INSTALLED: pip install -e '.[test]'")
pytest.importorskip("notebook", reason="!!! notebook NOT INSTALLED: pip install -e '.[test]'")
pytest.importorskip("nbconvert", reason="!!! nbconvert NOT INSTALLED: pip install -e '.[test]'")
nbformat = pytest.importorskip("nbformat")

pytestmark = needs_browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HINT = "run the cell (or trust the notebook) to step through"
TIMEOUT_MS = 90_000


def chainrule_outputs(path: Path) -> list[list[str]]:
    """Per code cell, the kind of each output: "drawing" (chainrule's SVG + PNG),
    "player" (the step-through player) or "other"."""
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kinds = []
        for out in cell.outputs:
            data = out.get("data", {})
            if "image/svg+xml" in data and "image/png" in data:
                kinds.append("drawing")
            elif 'class="cr-player"' in data.get("text/html", ""):
                kinds.append("player")
            else:
                kinds.append("other")
        cells.append(kinds)
    return cells


def shows_chainrule(path: Path) -> bool:
    return any(kind != "other" for kinds in chainrule_outputs(path) for kind in kinds)


def display_widths(path: Path) -> list[int]:
    """The display width chainrule asked for, for each drawing, in order."""
    nb = nbformat.read(path, as_version=4)
    return [int(out["metadata"]["image/png"]["width"]) for cell in nb.cells
            if cell.cell_type == "code" for out in cell.outputs
            if "image/svg+xml" in out.get("data", {})]


# For the code cells under `root`: each output's kind of element, pictures and text.
OUTPUTS_JS = """(root) => {
  const cells = root.querySelectorAll('.jp-CodeCell');
  return Array.from(cells).map(cell => Array.from(
      cell.querySelectorAll('.jp-OutputArea-child .jp-OutputArea-output')).map(o => {
    const img = o.querySelector('img'), svg = o.querySelector('svg');
    const player = o.querySelector('div.cr-player');
    const area = o.closest('.jp-OutputArea') || o;
    return {
      mime: o.getAttribute('data-mime-type'),
      img: img ? {src: img.getAttribute('src').slice(0, 26),
                  ok: img.complete && img.naturalWidth > 0,
                  width: img.getBoundingClientRect().width} : null,
      svgTexts: svg ? svg.querySelectorAll('text').length : 0,
      text: o.innerText.trim(),
      areaWidth: area.getBoundingClientRect().width,
      player: player ? {ready: player.hasAttribute('data-cr-ready'),
                        hint: player.querySelector('.cr-hint') ?
                              player.querySelector('.cr-hint').textContent : null,
                        frame: player.querySelector('img.cr-frame') !== null &&
                               player.querySelector('img.cr-frame').complete &&
                               player.querySelector('img.cr-frame').naturalWidth > 0,
                        caption: player.querySelector('.cr-caption').textContent,
                        buttons: player.querySelectorAll('button').length} : null,
    };
  }));
}"""


def check_pictures(shown: list[list[dict[str, Any]]], expected: list[list[str]],
                   widths: list[int], *, trusted: bool, where: str) -> tuple[int, int]:
    """Every drawing a picture at a readable size (the SVG where trusted, else the
    PNG), every player's frame 0 a picture (with the hint where scripts do not
    run). Returns (drawings, players) seen."""
    assert len(shown) == len(expected), f"{where}: {len(shown)} code cells shown"
    drawings = players = 0
    for k, (outs, kinds) in enumerate(zip(shown, expected)):
        assert len(outs) == len(kinds), f"{where}, code cell {k}: outputs {outs} vs {kinds}"
        for out, kind in zip(outs, kinds):
            if kind == "drawing":
                picture = (out["img"] is not None and out["img"]["ok"]) or out["svgTexts"] > 0
                assert picture, f"{where}, code cell {k}: a drawing is not a picture: {out}"
                assert out["text"] == "", f"{where}, code cell {k}: text in a drawing: {out}"
                mime = "image/svg+xml" if trusted else "image/png"
                assert out["mime"] == mime, f"{where}, code cell {k}: {out['mime']}"
                if out["img"] is not None:  # never shrunk below what chainrule asked for
                    want = min(widths[drawings], out["areaWidth"])
                    assert out["img"]["width"] >= want - 2, (where, k, out, widths[drawings])
                drawings += 1
            elif kind == "player":
                p = out["player"]
                assert p is not None and p["frame"], f"{where}, code cell {k}: {out}"
                assert p["caption"].startswith("Step 0 of "), (where, k, p)
                if trusted:
                    assert p["ready"] and p["buttons"] == 3 and p["hint"] is None, (where, k, p)
                else:
                    assert not p["ready"] and p["buttons"] == 0, (where, k, p)
                    assert p["hint"] is not None and HINT in p["hint"], (where, k, p)
                players += 1
    return drawings, players


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Lab:
    """A JupyterLab server on 127.0.0.1 serving ``root``; stopped by ``stop()``."""

    def __init__(self, root: Path, home: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        # every cell in the DOM (no virtual scrolling), so each output can be read
        (settings / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}), encoding="utf-8")
        news = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
        news.mkdir(parents=True)
        (news / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false"}), encoding="utf-8")
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
                   JUPYTER_DATA_DIR=str(home / "data"),  # no notebook signatures: untrusted
                   JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
                   IPYTHONDIR=str(home / "ipython"), PYTHONPATH=str(ROOT))
        env.pop("JUPYTER_PATH", None)
        self.log = (home / "lab.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", "--IdentityProvider.token=",
             "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
             f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             "--LabApp.extension_manager=readonly"],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        self.home = home
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start: {self.log_tail()}")
            time.sleep(0.3)

    def log_tail(self) -> str:
        self.log.flush()
        return (self.home / "lab.log").read_text(encoding="utf-8", errors="replace")[-3000:]

    def api(self, method: str, path: str) -> Any:
        req = urllib.request.Request(f"{self.base}{path}", method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def stop_kernels(self) -> None:
        """Stop the kernels running (opening a notebook starts one). A kernel
        stopped while JupyterLab connects to it can leave the server answering
        500 for a moment (jupyter_server: a kernel model with no last_activity;
        seen in CI): then it is asked again, for up to 30 s."""
        deadline = time.monotonic() + 30
        while True:
            try:
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
                return
            except urllib.error.HTTPError as e:
                if e.code not in (404, 500) or time.monotonic() > deadline:  # 404: gone
                    raise AssertionError(f"could not stop the kernels ({e}): "
                                         f"{self.log_tail()}") from e
            time.sleep(0.5)

    def kernel_idle(self, name: str) -> bool:
        """Whether the notebook ``name`` has a kernel, started and idle."""
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == name and session.get("kernel"):
                return bool(session["kernel"].get("execution_state") == "idle")
        return False

    def stop(self) -> None:
        """Shut the server down (kernels included) through its API; kill it if it hangs."""
        try:
            self.api("POST", "/api/shutdown")
            self.proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.log.close()


CONVERTED = [p for p in NOTEBOOKS if shows_chainrule(p)]  # the others: nothing to check

# A player and a drawing whose labels, op symbol and title would run code if
# copied raw into the page (each payload records itself in window.__pwned).
PWN = "(window.__pwned=window.__pwned||[]).push"
HOSTILE_CELL = f"""\
from IPython.display import display
from autograd import Op, Value, draw, step_through
evil = Op("evil", "</script><script>{PWN}('op')</script>", f=lambda x: 2 * x,
          df=lambda x, y: 2.0)
a = Value(1.0, label='<img src=x onerror="{PWN}(\\'img\\')">')
b = Value(2.0, label="</SCRIPT ><!--\\u2028<svg onload={PWN}('svg')>")
g = evil(a * b)
g.label = "'\\"><script>{PWN}('root')</script>"
display(step_through(g))
draw(g, title="</svg><script>{PWN}('title')</script>")"""


class Export:
    """``jupyter nbconvert --to html`` of the notebooks that show chainrule, started
    at once (it runs while JupyterLab starts); ``wait()`` gives the output folder."""

    def __init__(self, root: Path, out: Path, sanitize: bool) -> None:
        self.out = out
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nbconvert", "--to", "html",
             *[p.name for p in CONVERTED], f"--HTMLExporter.sanitize_html={sanitize}",
             "--output-dir", str(out)],
            cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)

    def wait(self) -> Path:
        output, _ = self.proc.communicate(timeout=300)
        assert self.proc.returncode == 0, output[-3000:]
        return self.out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Copies of the committed notebooks (the clients may save, run, autosave),
    a copy of 01 with the player shown twice and its widget, and the nbconvert
    exports under way."""
    root = tmp_path_factory.mktemp("notebooks")
    for path in NOTEBOOKS:
        shutil.copyfile(path, root / path.name)
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("stepper", id="run-01"))
    nb.cells.append(nbformat.v4.new_code_cell(HOSTILE_CELL, id="run-02"))
    nb.cells.append(nbformat.v4.new_code_cell("stepper.widget()", id="run-03"))
    nbformat.write(nb, root / "run_01.ipynb")
    EXPORTS.update({sanitize: Export(root, tmp_path_factory.mktemp("html"), sanitize)
                    for sanitize in (False, True)})
    yield root
    for export in EXPORTS.values():
        if export.proc.poll() is None:
            export.proc.kill()
            export.proc.wait()


EXPORTS: dict[bool, Export] = {}


@pytest.fixture(scope="module")
def lab(workdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    server = Lab(workdir, tmp_path_factory.mktemp("jupyter-home"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def lab_page(lab: Lab, browser: Any) -> Iterator[Any]:
    """One JupyterLab page for the tests (loading the app is the slow part)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    local_only(page, lab.base)
    page.goto(f"{lab.base}/lab?reset", timeout=TIMEOUT_MS)
    page.locator(".jp-DirListing-item").first.wait_for(timeout=TIMEOUT_MS)
    yield page
    page.close()


def local_only(page: Any, base: str) -> None:
    """Abort every request that leaves the machine (CDN scripts of nbconvert pages)."""
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith((base, "file:", "data:", "blob:"))
               else route.abort())


CURRENT = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def open_in_lab(page: Any, lab: Lab, path: Path, *, kernel: bool) -> Any:
    """Open ``path`` (by name, from the file browser); return the notebook panel
    once every cell is there and its pictures are loaded (and, with ``kernel``,
    once its kernel is idle and has told the notebook its language_info)."""
    cells = len(nbformat.read(path, as_version=4).cells)
    page.locator(".jp-DirListing-item", has_text=path.name).first.dblclick()
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel + ' .jp-Cell').length === n",
        arg=[CURRENT, cells], timeout=TIMEOUT_MS)
    if kernel:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not lab.kernel_idle(path.name):
            assert time.monotonic() < deadline, f"no idle kernel for {path.name}"
            page.wait_for_timeout(200)
        page.wait_for_timeout(1000)  # the kernel's info reaches the notebook's metadata
    page.wait_for_function(
        """(sel) => Array.from(document.querySelectorAll(sel + ' .jp-OutputArea-output img'))
                         .every(i => i.complete)""",
        arg=CURRENT, timeout=TIMEOUT_MS)
    return page.locator(CURRENT).first


def close_current(page: Any, lab: Lab) -> None:
    page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").first.click()
    dialog = page.locator(".jp-Dialog button.jp-mod-warn")  # "discard" if it asks
    if dialog.count():
        dialog.first.click()
    lab.stop_kernels()


def test_committed_notebooks_untrusted_in_jupyterlab_and_notebook(
        lab: Lab, lab_page: Any, browser: Any, workdir: Path) -> None:
    page = lab_page
    assert [p.name for p in NOTEBOOKS if shows_chainrule(p)][:1] == ["01_computation_graph.ipynb"]
    seen = {"drawing": 0, "player": 0}
    # The notebooks without a chainrule drawing or player have nothing to check here.
    for k, path in enumerate(p for p in NOTEBOOKS if shows_chainrule(p)):
        with shot_on_failure(page, f"lab_{path.stem}"):
            # The kernel's answer is what could mark a notebook modified; all the
            # committed notebooks carry the same kernelspec and language_info
            # (test_notebooks_carry_the_metadata_jupyterlab_writes), so checking
            # one checks them all. Each kernel is waited for all the same: one
            # stopped as JupyterLab connects to it can break the server's kernel
            # list for a moment (jupyter_server; seen in CI).
            panel = open_in_lab(page, lab, path, kernel=True)
            shown = panel.evaluate(OUTPUTS_JS)
            d, p = check_pictures(shown, chainrule_outputs(path), display_widths(path),
                                  trusted=False, where=f"JupyterLab {path.name}")
            seen["drawing"] += d
            seen["player"] += p
            if k == 0:
                dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty").count()
                assert dirty == 0, f"opening {path.name} marked it modified"
            close_current(page, lab)
    assert seen["drawing"] >= 7 and seen["player"] >= 1, seen  # 01, 03 and 08 draw

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    local_only(page, lab.base)
    for path in NOTEBOOKS[:1]:  # drawings and the player, in Notebook 7 (same renderers)
        page.goto(f"{lab.base}/notebooks/{path.name}", timeout=TIMEOUT_MS)
        with shot_on_failure(page, f"notebook7_{path.stem}"):
            cells = len(nbformat.read(path, as_version=4).cells)
            page.wait_for_function(
                "(n) => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === n",
                arg=cells, timeout=TIMEOUT_MS)
            page.wait_for_function("() => Array.from(document.querySelectorAll("
                                   "'.jp-OutputArea-output img')).every(i => i.complete)",
                                   timeout=TIMEOUT_MS)
            shown = page.locator(".jp-NotebookPanel").first.evaluate(OUTPUTS_JS)
            check_pictures(shown, chainrule_outputs(path), display_widths(path),
                           trusted=False, where=f"Notebook 7 {path.name}")
        lab.stop_kernels()
    page.close()


def test_notebooks_carry_the_metadata_jupyterlab_writes() -> None:
    """What JupyterLab writes on opening: ipykernel's default kernelspec and the
    kernel's language_info (this Python's version), so opening changes nothing."""
    version = ".".join(map(str, sys.version_info[:3]))
    for path in NOTEBOOKS:
        meta = nbformat.read(path, as_version=4).metadata
        assert meta["kernelspec"] == {"display_name": "Python 3 (ipykernel)",
                                      "language": "python", "name": "python3"}, path.name
        info = meta["language_info"]
        assert info["name"] == "python" and info["version"] == version, (path.name, info)
        assert info["mimetype"] == "text/x-python" and "codemirror_mode" in info


def test_running_a_notebook_wires_every_player_display(lab: Lab, lab_page: Any,
                                                       workdir: Path) -> None:
    page = lab_page
    with shot_on_failure(page, "lab_run_01"):
        panel = open_in_lab(page, lab, workdir / "run_01.ipynb", kernel=True)
        page.locator("div.lm-MenuBar-itemLabel:text-is('Run')").click()
        page.locator("div.lm-Menu-itemLabel:text-is('Run All Cells')").click()
        page.wait_for_function(
            f"""() => document.querySelectorAll('{CURRENT} div.cr-player[data-cr-ready]')
                     .length === 3 &&
                     document.querySelector('{CURRENT} .jp-OutputArea-output .widget-vbox')""",
            timeout=TIMEOUT_MS)
        panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            state="attached", timeout=TIMEOUT_MS)
        shown = panel.evaluate(OUTPUTS_JS)
        expected = chainrule_outputs(workdir / "run_01.ipynb")
        expected[-3:] = [["player"], ["player", "drawing"], ["other"]]  # the cells added
        check_pictures(shown, expected, display_widths(workdir / "run_01.ipynb") + [0],
                       trusted=True, where="JupyterLab run_01.ipynb (run)")
        drawings = [o for outs, kinds in zip(shown, expected) for o, k in zip(outs, kinds)
                    if k == "drawing"]
        assert drawings and all(o["img"]["src"].startswith("data:image/svg+xml")
                                for o in drawings)  # trusted: the SVG

        players = panel.locator("div.cr-player")
        first, second = players.nth(0), players.nth(1)
        second.locator(".cr-next").click()
        second.locator(".cr-next").click()
        first.locator(".cr-next").click()
        assert first.get_attribute("data-frame") == "1"
        assert second.get_attribute("data-frame") == "2"
        assert first.locator(".cr-caption").text_content().startswith("Step 1 of 2")
        assert second.locator(".cr-caption").text_content().startswith("Step 2 of 2")
        assert second.locator("img.cr-frame").evaluate("i => i.complete && i.naturalWidth > 0")

        hostile = players.nth(2)  # steps, shows its labels as text, runs none of them
        hostile.locator(".cr-next").click()
        caption = hostile.locator(".cr-caption").text_content()
        assert caption.startswith("Step 1 of 2: through </script><script>"), caption
        assert hostile.locator("img.cr-frame").evaluate("i => i.decode().then(() => true)")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned === undefined"), page.evaluate("window.__pwned")

        widget = panel.locator(".jp-OutputArea-output .widget-vbox").last
        fits = widget.evaluate("""w => { const area = w.closest('.jp-OutputArea-output');
            const img = w.querySelector('img');
            return {widget: w.getBoundingClientRect().width,
                    area: area.getBoundingClientRect().width,
                    overflow: w.scrollWidth - w.clientWidth,
                    img: img ? img.getBoundingClientRect().right -
                               area.getBoundingClientRect().right : null}; }""")
        assert fits["widget"] <= fits["area"] + 1 and fits["overflow"] <= 1, fits
        assert fits["img"] is not None and fits["img"] <= 1, fits


@pytest.mark.parametrize("sanitize", [False, True], ids=["plain", "sanitize_html"])
def test_nbconvert_html_shows_every_drawing_as_a_picture(browser: Any, workdir: Path,
                                                         sanitize: bool) -> None:
    """nbconvert --to html: drawings are pictures either way. The player works in
    the plain export (its script runs in the page); nbconvert's sanitizer
    escapes every HTML output (it allows no images in HTML), so there the player
    is inert text — never a running script."""
    folder = EXPORTS[sanitize].wait()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    local_only(page, "file:")
    for path in CONVERTED:
        page.goto((folder / f"{path.stem}.html").as_uri(), wait_until="load")
        with shot_on_failure(page, f"nbconvert_{'sanitized' if sanitize else 'plain'}_"
                                   f"{path.stem}"):
            shown = page.evaluate(OUTPUTS_JS.replace("(root) =>", "() =>").replace(
                "root.querySelectorAll('.jp-CodeCell')", "document.querySelectorAll("
                "'.jp-CodeCell')"))
            expected = chainrule_outputs(path)
            if not sanitize:
                check_pictures(shown, expected, display_widths(path), trusted=True,
                               where=f"nbconvert {path.name}")
                players = page.locator("div.cr-player")
                for i in range(players.count()):  # steps in a static page too
                    players.nth(i).locator(".cr-next").click()
                    assert players.nth(i).get_attribute("data-frame") == "1"
                continue
            for k, (outs, kinds) in enumerate(zip(shown, expected)):
                assert len(outs) == len(kinds), (path.name, k)
                for out, kind in zip(outs, kinds):
                    if kind == "drawing":
                        assert out["img"] is not None and out["img"]["ok"], (path.name, k, out)
                        assert out["text"] == ""
                    elif kind == "player":  # <div>s kept, <img>, <script> escaped to text
                        assert out["img"] is None, (path.name, k, out)
                        p = out["player"]
                        assert p is None or (not p["ready"] and p["buttons"] == 0), (k, out)
                        assert HINT in out["text"]
            assert page.evaluate("document.querySelectorAll('img.cr-frame, "
                                 "div.cr-player[data-cr-ready]').length") == 0
    page.close()
