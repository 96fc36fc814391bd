"""How wide a text is, in the fonts a drawing may be shown in.

Graphviz writes SVG with ``font-family="Helvetica,sans-Serif"``; what draws
the letters is the viewer's: Helvetica on a Mac, Arial on Windows (the same
widths), Liberation Sans where installed, but on a Linux machine with only
DejaVu Sans (common on students' laptops and in containers) the text is 10 to
20 % wider. Every cell of a drawing has a fixed size, so the text must fit in
the widest of these fonts:

- :data:`CHARS`, ``_WIDEST`` and ``_WIDEST_BOLD``: for each character, the
  larger advance width (in 1/1000 em) of Helvetica (Adobe's AFM metrics) and
  DejaVu Sans 2.37 (its ``hmtx`` table), regular and bold; a character in
  neither is counted 1 em.
- Graphviz sizes nothing here: each cell is given its width, and its text
  starts at the left edge (``align="left"``). Centred text would not do:
  Graphviz centres by its own estimate (``text-anchor="start"`` at the centre
  minus half of it), so a wider real font runs past the right edge. Its
  estimate must still fit, or it complains (graphviz-pure counts ASCII with
  Helvetica's metrics, Times's for a bold face it has none for, and every byte
  of a non-ASCII character as a space).

The numbers were read from the font files by ``tests/test_fonts.py``'s
generator (matplotlib ships both fonts), which also checks them again.
"""

from __future__ import annotations

import math

CHARS = (
    ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNO'
    'PQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
    '\xa0\u202f−×·∂Σ→←…∞√≈≠≤≥±°²³¹⁰⁴⁵⁶⁷⁸⁹ⁿ₀₁₂₃₄₅₆₇₈₉αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΦΨΩ∇∑∏àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»‘’“”–—•'
)

_WIDEST = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 "
    "636 636 636 636 337 337 838 838 838 556 1015 684 686 722 770 667 611 778 752 295 500 667 "
    "557 863 748 787 667 787 722 667 611 732 684 989 685 667 685 390 337 390 838 556 500 613 "
    "635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 "
    "592 592 525 636 337 636 838 318 200 838 838 318 517 632 838 838 1000 833 637 838 838 838 "
    "838 838 500 401 401 401 401 401 401 401 401 401 401 398 401 401 401 401 401 401 401 401 "
    "401 401 659 638 592 612 541 544 634 612 338 589 592 636 559 558 612 602 635 634 602 579 "
    "660 578 660 837 557 684 787 684 632 752 632 787 787 764 669 674 757 613 613 613 550 615 "
    "615 615 615 278 278 612 612 634 634 634 592 1023 982 684 684 684 698 632 632 632 632 295 "
    "295 787 787 732 732 732 611 1070 974 612 612 318 318 518 518 500 1000 590 "
)
_WIDEST_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 "
    "696 696 696 696 400 400 838 838 838 611 1000 774 762 734 830 683 683 821 837 372 556 775 "
    "637 995 837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 556 500 675 "
    "716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924 "
    "645 652 582 712 365 712 838 348 200 838 838 380 544 683 838 838 1000 833 667 838 838 838 "
    "838 838 500 438 438 438 438 438 438 438 438 438 438 456 438 438 438 438 438 438 438 438 "
    "438 438 687 716 681 687 557 591 712 687 390 710 633 736 681 591 687 791 716 779 638 675 "
    "782 645 794 869 637 774 850 774 632 837 683 850 850 850 697 718 787 675 675 675 593 678 "
    "678 678 678 343 343 687 687 712 712 712 652 1094 1048 774 774 774 734 683 683 683 683 "
    "372 372 850 850 812 812 812 724 1167 1085 646 646 380 380 657 657 500 1000 639 "
)
_HELVETICA = (
    "278 278 355 556 556 889 667 222 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 222 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584 "
)
_TIMES = (
    "250 333 408 500 500 833 778 333 333 333 500 564 250 333 250 278 500 500 500 500 500 500 "
    "500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 "
    "611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 "
    "500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 "
    "500 500 444 480 200 480 541 "
)


def _table(row: str) -> dict[str, int]:
    return dict(zip(CHARS, map(int, row.split())))


_REAL = _table(_WIDEST)
_REAL_BOLD = _table(_WIDEST_BOLD)
_EST = {ch: int(w) for ch, w in zip(CHARS[:95], _HELVETICA.split())}
_EST_TIMES = {ch: int(w) for ch, w in zip(CHARS[:95], _TIMES.split())}
#: A character in no table: 1 em (CJK ideographs are 1 em; emoji a little more).
UNKNOWN = 1000


def real_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in points at ``size`` in the widest of the fonts above."""
    table = _REAL_BOLD if bold else _REAL
    return sum(table.get(ch, UNKNOWN) for ch in text) * size / 1000


def _estimate(text: str, table: dict[str, int], space: int) -> int:
    return sum(table[ch] if ch in table else space * len(ch.encode("utf-8")) for ch in text)


def estimates(text: str, size: float, bold: bool = False) -> tuple[float, float]:
    """The smallest and largest width Graphviz may assume for ``text`` (points):
    Helvetica's metrics for ASCII, a space per byte otherwise; a bold face
    (``Helvetica-Bold``, which graphviz-pure has no metrics for) may be
    measured with Times's."""
    a = _estimate(text, _EST, 278)
    if not bold:
        return a * size / 1000, a * size / 1000
    b = _estimate(text, _EST_TIMES, 250)
    return min(a, b) * size / 1000, max(a, b) * size / 1000


def cell_width(text: str, size: float, bold: bool = False, padding: float = 4) -> int:
    """The width (points) of a left-aligned cell that holds ``text`` whole in
    every font above (and in Graphviz's estimate of it), with ``padding`` and
    a one-point border on each side."""
    real = real_width(text, size, bold)
    high = estimates(text, size, bold)[1]
    return math.ceil(max(real, high) + 2 * padding + 2)


def line_height(size: float) -> float:
    """The height of one line of text at ``size`` (DejaVu Sans's line gap is the largest)."""
    return size * 1.2
