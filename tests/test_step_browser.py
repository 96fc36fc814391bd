"""The step-through HTML player in a real headless Chromium.

Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe``
(JSON messages ending in NUL on file descriptors 3 and 4), with a tiny client
written here. The test clicks "next" with real mouse events, presses the arrow
keys, and checks that the highlighted op and the shown gradients change; and
that frame 0 is visible with JavaScript off.

``make test`` installs Debian's chromium when it is missing (as root); where
that is impossible this module is skipped with a loud reason.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, step_through
from autograd.drawing import find_renderer

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--disable-dev-shm-usage",
         "--remote-debugging-pipe"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="!!! chromium NOT INSTALLED: the step-through player was NOT tested in a browser. "
           "Run `make test` as root (it installs Debian's chromium) or "
           "apt-get install chromium !!!")


class Browser:
    """A headless Chromium and one page, spoken to over the DevTools pipe."""

    def __init__(self, exe: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="chainrule-chromium-")
        to_browser_r, self._w = os.pipe()
        self._r, from_browser_w = os.pipe()
        # the child's ends, moved to fds >= 10 so that dup2 onto 3 and 4 neither
        # clobbers one with the other nor keeps a close-on-exec flag (dup2(3, 3))
        for fd in (to_browser_r, from_browser_w):
            high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            if fd == to_browser_r:
                to_browser_r = high
            else:
                from_browser_w = high

        def fds() -> None:  # in the child: fd 3 reads our commands, fd 4 writes answers
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=fds, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self._next_id = 0
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                err = self.proc.stderr.read().decode("utf-8", "replace") if self.proc.stderr else ""
                raise RuntimeError(f"chromium closed the pipe: {err[-2000:]}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: bool = True, timeout: float = 30.0) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def open(self, url: str, javascript: bool = True) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        self.send("Page.enable")
        if not javascript:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True})
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + 30
        while self.eval("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load")
            time.sleep(0.05)

    def eval(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) in the middle of ``selector``."""
        box = self.eval(f"(function(){{var r=document.querySelector({json.dumps(selector)})"
                        f".getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2];}})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1})

    def key(self, name: str) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": name, "code": name})

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


# What the page shows: the frame index, the active op's id (from the SVG: the
# node whose class has "active"), and each value node's grad text.
STATE_JS = """(function(){
  var p = document.querySelector('.cr-player');
  var frames = p.querySelectorAll('.cr-frame');
  var shown = [];
  for (var i = 0; i < frames.length; i++)
    if (getComputedStyle(frames[i]).display !== 'none') shown.push(i);
  var f = frames[shown[0]];
  var act = f.querySelector('g.node.active');
  var grads = {};
  f.querySelectorAll('g.node.value').forEach(function(g){
    var texts = Array.from(g.querySelectorAll('text')).map(function(t){return t.textContent;});
    grads[g.id] = texts.filter(function(t){return t.indexOf('grad') === 0;})[0];
  });
  return {shown: shown, active: act ? act.id : null, grads: grads,
          caption: p.querySelector('.cr-caption').textContent,
          counter: p.querySelector('.cr-counter').textContent};
})()"""


@pytest.fixture(scope="module")
def browser() -> Any:
    assert CHROMIUM is not None
    b = Browser(CHROMIUM)
    yield b
    b.close()


@pytest.fixture(scope="module")
def player(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if find_renderer() is None:
        pytest.fail("no renderer: graphviz-pure is a dependency and must be installed")
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    f = (u + v) * w
    f.label = "f"
    path = tmp_path_factory.mktemp("player") / "f.html"
    step_through(f).save_html(path)
    return path


def test_next_changes_highlighted_op_and_gradients(browser: Browser, player: Path) -> None:
    browser.open(player.as_uri())
    s0 = browser.eval(STATE_JS)
    assert s0["shown"] == [0] and s0["active"] is None
    # f = (u + v) * w: v0=u, v1=v, v2=w, v3=u+v, v4=f; ops op3 (+), op4 (×)
    assert s0["grads"] == {"v0": "grad ?", "v1": "grad ?", "v2": "grad ?",
                           "v3": "grad ?", "v4": "grad 1"}
    assert s0["counter"] == "frame 0 / 2" and "seed" in s0["caption"]

    browser.click(".cr-next")
    s1 = browser.eval(STATE_JS)
    assert s1["shown"] == [1] and s1["active"] == "op4"
    assert s1["grads"]["v3"] == "grad 4" and s1["grads"]["v2"] == "grad 5"
    assert s1["grads"]["v0"] == "grad ?"
    assert "×" in s1["caption"]

    browser.click(".cr-next")
    s2 = browser.eval(STATE_JS)
    assert s2["shown"] == [2] and s2["active"] == "op3"
    assert s2["grads"]["v0"] == "grad 4" and s2["grads"]["v1"] == "grad 4"

    browser.click(".cr-next")  # past the end: stays on the last frame
    assert browser.eval(STATE_JS)["shown"] == [2]

    browser.click(".cr-prev")
    assert browser.eval(STATE_JS)["active"] == "op4"

    browser.eval("document.querySelector('.cr-player').focus()")
    browser.key("ArrowLeft")
    assert browser.eval(STATE_JS)["shown"] == [0]
    browser.key("ArrowRight")
    assert browser.eval(STATE_JS)["active"] == "op4"


def test_play_runs_to_the_last_frame(browser: Browser, player: Path) -> None:
    browser.open(player.as_uri())
    browser.click(".cr-play")
    deadline = time.monotonic() + 10
    while browser.eval(STATE_JS)["shown"] != [2]:
        assert time.monotonic() < deadline, "play did not reach the last frame"
        time.sleep(0.2)
    assert browser.eval("document.querySelector('.cr-play').textContent") == "play"


def test_frame_zero_shows_without_javascript(browser: Browser, player: Path) -> None:
    browser.open(player.as_uri(), javascript=False)
    shown = browser.eval(
        "Array.from(document.querySelectorAll('.cr-frame')).map(function(f){"
        "return getComputedStyle(f).display !== 'none';})")
    assert shown == [True, False, False]
    assert browser.eval("document.querySelector('.cr-frame svg') !== null")
