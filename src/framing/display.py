"""Text made safe to show on a terminal, and annotator names made safe to store.

Ingested text is stored byte-exact, but it is *shown* through a terminal, where a
control character is an instruction: ``ESC ]52;c;…`` sets the clipboard (through
tmux, too), ``ESC ]0;…`` retitles the window, ``ESC [2J`` clears the screen, and a
C1 ``CSI`` (U+009B) does the same in one character. So everything the TUI shows and
every text the CLI prints goes through :func:`visible`, which replaces each C0/C1
control character (except newline and tab) with a visible stand-in of the same
length (one character: offsets into the text, e.g. of highlighted cues, stay
valid):

* C0 ``U+0000``–``U+001F`` → the Unicode control pictures ``␀``…``␟`` (ESC is ``␛``);
* DEL ``U+007F`` → ``␡``;
* C1 ``U+0080``–``U+009F`` → ``␦`` (there are no control pictures for them);
* a lone surrogate (``"a\\ud800b"``, which cannot be encoded to UTF-8 and would
  crash the print) → ``�``.

Annotator names are stored and then shown everywhere (TUI, tables, exports), so
:func:`check_annotator` refuses control characters and lone surrogates outright and
limits their length; the CLI, the TUI and ``import-labels`` all call it.
"""

from __future__ import annotations

from framing.models import FramingError

__all__ = ["ANNOTATOR_MAX_LEN", "check_annotator", "has_controls", "json_visible", "visible"]

#: The longest annotator name accepted (in characters, after stripping).
ANNOTATOR_MAX_LEN = 64


def _table() -> dict[int, str]:
    table: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
    table[0x7F] = "\u2421"
    table.update({c: "\u2426" for c in range(0x80, 0xA0)})
    table.update({c: "\ufffd" for c in range(0xD800, 0xE000)})
    return table


_VISIBLE = _table()


def visible(text: str) -> str:
    """``text`` with every C0/C1 control (but ``\\n`` and ``\\t``) and every lone
    surrogate replaced by a visible character; same length, so offsets still hold."""
    return text.translate(_VISIBLE)


def has_controls(text: str) -> bool:
    """True if :func:`visible` would change ``text``."""
    return any(ord(c) in _VISIBLE for c in text)


def check_annotator(name: object, where: str = "annotator") -> str:
    """The annotator name, stripped, or :class:`FramingError` with a one-line reason.

    Refused: a non-string, an empty name, a control character (tab and newline
    included: a name is one line), a lone surrogate, more than
    :data:`ANNOTATOR_MAX_LEN` characters.
    """
    if not isinstance(name, str):
        raise FramingError(f"{where}: the annotator name must be a string")
    stripped = name.strip()
    if not stripped:
        raise FramingError(f"{where}: the annotator name is empty")
    bad = next((c for c in stripped if ord(c) in _VISIBLE or c in "\t\n"), None)
    if bad is not None:
        kind = "a lone surrogate" if 0xD800 <= ord(bad) < 0xE000 else "a control character"
        raise FramingError(
            f"{where}: the annotator name {visible(stripped)!r} contains {kind} "
            f"(U+{ord(bad):04X}); use letters, digits and punctuation"
        )
    if len(stripped) > ANNOTATOR_MAX_LEN:
        raise FramingError(
            f"{where}: the annotator name is {len(stripped)} characters long; "
            f"the limit is {ANNOTATOR_MAX_LEN}"
        )
    return stripped


def _json_table() -> dict[int, str]:
    codes = [0x7F, *range(0x80, 0xA0), *range(0xD800, 0xE000)]
    return {c: f"\\u{c:04x}" for c in codes}


_JSON_ESCAPES = _json_table()


def json_visible(json_text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL, the C1
    controls and lone surrogates written as ``\\uXXXX`` escapes: the same JSON value,
    but safe on a terminal and always encodable. (``json.dumps`` escapes C0 already;
    outside strings JSON has none of these characters.)"""
    return json_text.translate(_JSON_ESCAPES)
