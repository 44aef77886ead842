"""Remapping keys: a TOML file that maps binding ids to keys.

Every binding of the UI has an id (``framing annotate --help`` and ``?`` list them).
The file is ``$FRAMING_KEYS`` if set, else ``$XDG_CONFIG_HOME/framing/keys.toml``
(``~/.config/framing/keys.toml``)::

    [keys]
    context = "x"          # widen the context with x instead of c
    documents = "ctrl+g"   # several keys: "ctrl+g,G"

A missing file means the default keys. A file naming an unknown binding id, or
giving a key that a label of the codebook uses, is refused with a one-line error.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from framing.models import Codebook, FramingError

Keymap = dict[str, str]


def keymap_path() -> Path:
    """Where the key file is looked for."""
    env = os.environ.get("FRAMING_KEYS")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "framing" / "keys.toml"


def load_keymap(codebook: Codebook, known_ids: set[str], path: Path | None = None) -> Keymap:
    """The ``[keys]`` table of the key file, checked against the binding ids and labels."""
    p = path or keymap_path()
    if not p.exists():
        return {}
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise FramingError(f"{p}: cannot read the key file ({err})") from err
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise FramingError(f'{p}: [keys] must be a table of binding id = "key"')
    label_keys = {lab.key for dim in codebook.dimensions for lab in dim.labels}
    out: Keymap = {}
    for binding_id, value in keys.items():
        if binding_id not in known_ids:
            known = ", ".join(sorted(known_ids))
            raise FramingError(f"{p}: unknown binding id {binding_id!r} (known: {known})")
        if not isinstance(value, str) or not value.strip():
            raise FramingError(f'{p}: {binding_id} must be a key name like "x" or "ctrl+g"')
        for key in value.split(","):
            if key.strip() in label_keys:
                raise FramingError(
                    f"{p}: {binding_id} = {key.strip()!r} is a label key in the codebook"
                )
        out[binding_id] = value
    return out
