"""The step-through player in a real headless Chromium (Playwright, system Chromium).

The test clicks "next" with real mouse events, presses the arrow keys, and
checks that the highlighted op and the shown gradients change (read from the
SVG of the picture shown); that two displays of the same player on one page
each work; that frame 0 and the hint show with JavaScript off; and that a
click on a big drawing switches it to full size.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, needs_browser, shot_on_failure

import nn
from autograd import Value, step_through
from autograd.drawing import find_renderer
from autograd.drawing.display import MIN_SCALE

pytestmark = needs_browser

# What player number `i` shows: the frame index, the active op's id (the node
# whose class has "active" in the SVG of the picture shown), each value node's
# grad text, the caption and the counter.
STATE_JS = """(i) => {
  var p = document.querySelectorAll('.cr-player')[i];
  var img = p.querySelector('img.cr-frame');
  var b64 = img.getAttribute('src').split(',')[1];
  var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  var svg = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'image/svg+xml');
  var act = svg.querySelector('g.node.active');
  var grads = {};
  svg.querySelectorAll('g.node.value').forEach(function (g) {
    var texts = Array.from(g.querySelectorAll('text')).map(function (t) { return t.textContent; });
    grads[g.id] = texts.filter(function (t) { return t.indexOf('grad') === 0; })[0];
  });
  var counter = p.querySelector('.cr-counter');
  return {frame: p.getAttribute('data-frame'), active: act ? act.id : null, grads: grads,
          marked: img.getAttribute('data-active'), loaded: img.complete && img.naturalWidth > 0,
          caption: p.querySelector('.cr-caption').textContent,
          counter: counter ? counter.textContent : null,
          hint: p.querySelector('.cr-hint') ? p.querySelector('.cr-hint').textContent : null};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    p = browser.new_page(viewport={"width": 1000, "height": 900})
    yield p
    p.close()


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


def state(page: Any, i: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(STATE_JS, i)
    return result


def test_next_changes_highlighted_op_and_gradients(page: Any, player: Path) -> None:
    page.goto(player.as_uri())
    with shot_on_failure(page, "player_next"):
        s0 = state(page)
        assert s0["frame"] == "0" and s0["active"] is None and s0["loaded"]
        # f = (u + v) * w: v0=u, v1=v, v2=w, v3=u+v, v4=f; ops op3 (+), op4 (×)
        assert s0["grads"] == {"v0": "grad ?", "v1": "grad ?", "v2": "grad ?",
                               "v3": "grad ?", "v4": "grad 1"}
        assert s0["counter"] == "frame 0 / 2" and "seed" in s0["caption"]
        assert s0["hint"] is None  # the "how to step through" line is for script-less views

        page.click(".cr-next")
        s1 = state(page)
        assert s1["frame"] == "1" and s1["active"] == "op4" and s1["marked"] == "op4"
        assert s1["grads"]["v3"] == "grad 4" and s1["grads"]["v2"] == "grad 5"
        assert s1["grads"]["v0"] == "grad ?"
        assert "×" in s1["caption"] and s1["loaded"]

        page.click(".cr-next")
        s2 = state(page)
        assert s2["frame"] == "2" and s2["active"] == "op3"
        assert s2["grads"]["v0"] == "grad 4" and s2["grads"]["v1"] == "grad 4"

        page.click(".cr-next")  # past the end: stays on the last frame
        assert state(page)["frame"] == "2"

        page.click(".cr-prev")
        assert state(page)["active"] == "op4"

        page.focus(".cr-player")
        page.keyboard.press("ArrowLeft")
        assert state(page)["frame"] == "0"
        page.keyboard.press("ArrowRight")
        assert state(page)["active"] == "op4"


def test_play_runs_to_the_last_frame(page: Any, player: Path) -> None:
    page.goto(player.as_uri())
    with shot_on_failure(page, "player_play"):
        page.click(".cr-play")
        deadline = time.monotonic() + 10
        while state(page)["frame"] != "2":
            assert time.monotonic() < deadline, "play did not reach the last frame"
            time.sleep(0.2)
        assert page.text_content(".cr-play") == "play"


def test_two_displays_of_the_same_player_both_work(page: Any, player: Path) -> None:
    """Showing `s` twice puts the same player twice on a page: each one steps alone."""
    body = player.read_text(encoding="utf-8")
    widget = body[body.index('<div class="cr-player"'):body.rindex("</body>")]
    twice = player.with_name("twice.html")
    twice.write_text(body.replace(widget, widget + "<hr>" + widget), encoding="utf-8")
    page.goto(twice.as_uri())
    with shot_on_failure(page, "player_twice"):
        assert page.locator(".cr-player[data-cr-ready]").count() == 2
        page.locator(".cr-next").nth(1).click()
        page.locator(".cr-next").nth(1).click()
        assert state(page, 0)["frame"] == "0" and state(page, 1)["frame"] == "2"
        page.locator(".cr-next").nth(0).click()
        assert state(page, 0)["active"] == "op4" and state(page, 1)["active"] == "op3"


def test_frame_zero_and_the_hint_show_without_javascript(browser: Any, player: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(player.as_uri())
        with shot_on_failure(page, "player_no_js"):
            frames = page.locator("img.cr-frame")
            assert frames.count() == 1
            assert frames.evaluate("i => i.complete && i.naturalWidth > 100")
            assert "turn on JavaScript to step through" in page.text_content(".cr-hint")
            assert page.locator(".cr-player button").count() == 0  # no dead buttons
    finally:
        context.close()


def test_a_big_drawing_stays_readable_and_enlarges_on_click(page: Any, tmp_path: Path) -> None:
    """A wide graph is not shrunk below MIN_SCALE: it scrolls; a click shows it full size."""
    model = nn.MLP(3, [3, 1], seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2"), Value(2.0, label="x3")])
    path = tmp_path / "big.html"
    step_through(out, collapse=False).save_html(path)
    page.goto(path.as_uri())
    with shot_on_failure(page, "player_big"):
        img = page.locator("img.cr-frame")
        natural, shown = img.evaluate("i => [i.naturalWidth, i.getBoundingClientRect().width]")
        assert natural > 1000, natural  # the case this test is about
        assert shown >= natural * MIN_SCALE - 1, (natural, shown)
        img.click()
        assert img.evaluate("i => i.getBoundingClientRect().width") >= natural - 1
        img.click()
        assert abs(img.evaluate("i => i.getBoundingClientRect().width") - shown) < 1


CAPTION_BOX_JS = """(i) => {
  var c = document.querySelectorAll('.cr-player')[i].querySelector('.cr-caption');
  var r = c.getBoundingClientRect();
  return {text: c.textContent, width: r.width, height: r.height,
          live: c.getAttribute('aria-live')};
}"""


def test_captions_drawn_in_the_frames_are_not_shown_twice(page: Any, tmp_path: Path) -> None:
    """The frames carry their caption (the default): the caption line is kept, with
    the same text, for screen readers and scripts, but takes no room on the page.
    With ``captions=False`` the frames have none and the line is shown."""
    u, v = Value(2.0, label="u"), Value(3.0, label="v")
    f = u * v
    f.label = "f"
    inside, outside = step_through(f), step_through(f, captions=False)
    assert "Step 1 of 1" in inside[1].svg() and "Step 1 of 1" not in outside[1].svg()
    path = tmp_path / "captions.html"
    path.write_text(inside.html().replace(
        "</body>", outside.html(standalone=False) + "</body>"), encoding="utf-8")
    page.goto(path.as_uri())
    with shot_on_failure(page, "player_captions"):
        page.locator(".cr-next").nth(0).click()
        page.locator(".cr-next").nth(1).click()
        hidden, shown = page.evaluate(CAPTION_BOX_JS, 0), page.evaluate(CAPTION_BOX_JS, 1)
        assert hidden["text"] == inside.captions[1] and shown["text"] == outside.captions[1]
        assert hidden["width"] <= 1 and hidden["height"] <= 1, hidden
        assert shown["height"] >= 10 and shown["width"] > 100, shown
        assert hidden["live"] == shown["live"] == "polite"
