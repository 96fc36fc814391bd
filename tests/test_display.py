"""autograd.drawing.display: escaping for HTML and <script>, text checks, display sizes.

The escaping is checked on generated hostile text (Hypothesis): whatever a
label, caption or title holds, the player page parses to exactly the elements
chainrule wrote, and the text comes back unchanged. tests/test_html_hostile.py
does the same in a real browser.
"""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, draw
from autograd.drawing import display
from autograd.drawing.display import (
    CELL_WIDTH,
    MIN_SCALE,
    check_text,
    display_size,
    markup,
    player_html,
    scaled_svg,
    script_json,
)

# Pieces of markup that end or open things, and characters that matter to HTML,
# JavaScript, JSON, DOT and Python formatting.
HOSTILE = ["</script>", "</SCRIPT >", "</ScRiPt\n>", "<script>", "<!--", "-->", "<!-- <script>",
           "]]>", "<![CDATA[", "</svg>", "</style>", "<style>", "<img src=x onerror=alert(1)>",
           '" onmouseover="alert(1)', "' onfocus='alert(1)", "javascript:alert(1)", "&lt;",
           "&amp;", "&#x3c;", "\u2028", "\u2029", "\\u2028", "\\", "\\N", "\\G", "%s",
           "%(pid)s", "{0}", "${x}", "`", "\t", "\n", "\r", "</div></div>", "<p>", "\u00a0"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE),
                                  st.text(alphabet=st.characters(
                                      blacklist_categories=("Cs", "Cc")), max_size=8)),
                        max_size=6).map("".join)


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.texts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.texts.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


# -- escaping -------------------------------------------------------------------------

@given(hostile_text)
def test_script_json_cannot_end_or_change_a_script(text: str) -> None:
    encoded = script_json({"caption": text, "list": [text, text[::-1]]})
    assert not re.search("[<>&\u2028\u2029]", encoded)
    assert json.loads(encoded) == {"caption": text, "list": [text, text[::-1]]}
    page = parse(f"<script>var x = {encoded};</script><p>after</p>")
    assert [t for t, _ in page.tags] == ["script", "p"]
    assert page.scripts == [f"var x = {encoded};"]


@given(hostile_text)
def test_markup_is_inert_text_and_attribute(text: str) -> None:
    page = parse(f'<div title="{markup(text)}" class=\'{markup(text)}\'>{markup(text)}</div>')
    assert [t for t, _ in page.tags] == ["div"]
    assert page.tags[0][1] == {"title": text, "class": text}
    assert "".join(page.texts) == text


@given(st.lists(hostile_text, min_size=1, max_size=4), st.sampled_from(["svg", "dot"]))
def test_player_page_is_exactly_what_chainrule_wrote(captions: list[str], kind: str) -> None:
    """Whatever the captions (and DOT text) hold: the same elements, two scripts
    (the data and the code), no event handler, and the captions back unchanged."""
    captions = [c.replace("\r", "") for c in captions]  # HTML turns CR into LF in text
    if kind == "svg":
        frames = [f'<svg width="{10 + k}pt" height="5pt"><text>{markup(c)}</text></svg>'
                  for k, c in enumerate(captions)]
    else:
        frames = [f"digraph {{ a [label={json.dumps(c)}] }}" for c in captions]
    active = [None] + [f"op{k}" for k in range(1, len(captions))]
    page = player_html(frames, kind, captions, active, note="note " + captions[0],
                       standalone=True)
    doc = parse(page)
    tags = [t for t, _ in doc.tags]
    picture = "img" if kind == "svg" else "pre"
    assert tags == ["html", "head", "meta", "meta", "title", "body", "div", "style", "p", "div",
                    "div", "div", picture, "p", "script", "script"]
    assert not any(name.startswith("on") for _, attrs in doc.tags for name in attrs)
    data = json.loads(doc.scripts[0])
    assert data["captions"] == captions and data["active"] == [a or "" for a in active]
    if kind == "svg":
        assert [base64.b64decode(f).decode("utf-8") for f in data["frames"]] == frames[1:]
        img = dict(doc.tags[tags.index("img")][1])
        assert img["alt"] == f"frame 0 of {len(captions) - 1}: {captions[0]}"
        assert base64.b64decode(str(img["src"]).split(",", 1)[1]).decode() == frames[0]
    else:
        assert data["frames"] == frames[1:] and frames[0] in "".join(doc.texts)
    assert captions[0] in "".join(doc.texts)
    assert doc.scripts[1] == display._PLAYER_JS


# -- text arguments ---------------------------------------------------------------------

@pytest.mark.parametrize(("value", "error", "message"), [
    (3, TypeError, "draw: title must be a str or None, got int"),
    (b"f", TypeError, "got bytes"),
    (["f"], TypeError, "got list"),
    ("f\x00", ValueError, r"control character '\\x00' at position 1"),
    ("a\x1bb", ValueError, "control character"),
    ("\x7f", ValueError, "control character"),
    ("f\ud800", ValueError, "lone surrogate"),
    ("\udcff", ValueError, "lone surrogate"),
])
def test_draw_refuses_a_title_it_cannot_show(value: Any, error: type[Exception],
                                             message: str) -> None:
    f = Value(2.0, label="u") * 3
    with pytest.raises(error, match=message):
        draw(f, title=value)


def test_titles_with_any_printable_text_are_drawn() -> None:
    f = Value(2.0, label="u") * 3
    for title in ("f = (u + v) · w", "tab\there", "two\nlines", "</svg><script>x</script>",
                  "∂f/∂u ≥ 0 😀"):
        svg = draw(f, title=title).svg()
        assert "<script>" not in svg


def test_check_text() -> None:
    check_text("fn", "arg", None)
    with pytest.raises(TypeError, match="fn: arg must be a str, got NoneType"):
        check_text("fn", "arg", None, optional=False)
    with pytest.raises(ValueError, match="fn: arg holds a lone surrogate"):
        check_text("fn", "arg", "x\udfff")


def test_a_label_no_drawing_can_show_is_refused_where_it_is_given() -> None:
    with pytest.raises(ValueError, match="Value: label holds a lone surrogate"):
        Value(2.0, label="x\udc80")  # e.g. a file name decoded with surrogateescape
    x = Value(2.0, label="x")
    with pytest.raises(ValueError, match="label holds the control character"):
        x.label = "x\x1b[31m"


# -- sizes ------------------------------------------------------------------------------

def test_display_size_fits_the_cell_but_never_below_the_minimum_scale() -> None:
    small = display_size('<svg width="300pt" height="150pt" viewBox="0 0 300 150">')
    assert small is not None and (small.width, small.height, small.scale) == (400, 200, 1.0)
    assert not small.scroll
    mid = display_size('<svg width="750pt" height="75pt">')  # 1000 px: shrunk to the cell
    assert mid is not None and mid.width == CELL_WIDTH and not mid.scroll
    assert mid.scale == pytest.approx(0.8)
    big = display_size('<svg width="2600pt"\n height="600pt">')
    assert big is not None and big.scale == MIN_SCALE and big.scroll
    assert big.width == round(2600 * 4 / 3 * MIN_SCALE)
    assert display_size("<svg>") is None and display_size("no svg") is None


def test_scaled_svg_changes_only_the_root_size() -> None:
    svg = ('<?xml version="1.0"?>\n<svg width="300pt" height="150pt" viewBox="0 0 300 150">'
           '<rect width="10" height="20"/></svg>')
    out = scaled_svg(svg, 0.5)
    assert out == svg.replace('width="300pt" height="150pt"', 'width="150.00pt" height="75.00pt"')
    assert scaled_svg(svg, 1.0) == svg


def test_a_wide_drawing_is_shown_at_the_minimum_scale_and_scrolls() -> None:
    model = nn.MLP(3, [4, 4, 1], seed=0)
    out = model([Value(1.0, label="x1"), Value(2.0, label="x2"), Value(3.0, label="x3")])
    d = draw(out, "backward", collapse=False)
    data, metadata = d._repr_mimebundle_()
    natural = display.svg_size(d.svg())
    assert natural is not None and natural[0] * MIN_SCALE > CELL_WIDTH
    assert metadata["image/png"]["unconfined"] and metadata["image/svg+xml"]["unconfined"]
    assert metadata["image/png"]["width"] == round(natural[0] * MIN_SCALE)
    shown = display.svg_size(data["image/svg+xml"])
    assert shown is not None and shown[0] == pytest.approx(natural[0] * MIN_SCALE, abs=0.1)
