"""A CAD export as the reader sees it (`SourceInfo`: kind, encoding, delimiter, headers, the
other files read with it), and the error for a file it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from calldata.engine.fields import header_key

# Line numbers of the second, third… file read as one: file i's line n is i * LINE_BASE + n,
# so lines stay in file order and each row's file and line can be told back (file_line).
LINE_BASE = 10**10


class ReadError(Exception):
    """A file we cannot read, with a message for the person who uploaded it."""


@dataclass
class SourceInfo:
    kind: str  # "csv" or "xlsx"
    path: Path  # the file to read (the extracted member for a .zip)
    headers: list[str]
    encoding: str = "utf-8"
    delimiter: str = ","
    member: str = ""  # name inside the .zip
    notes: list[str] = field(default_factory=list)
    unpacked_size: int = 0  # the member's size, for a .zip
    quoted: bool = True  # a double quote anywhere in the file (text.scan_text)
    # A file cut off in the middle of its last line: {"line": its line number, "bytes": how
    # many bytes follow the last complete line}; None for a whole file.
    cut_off: dict | None = None
    # The other exports read after this one, with the same columns (a .zip of several).
    more: list[SourceInfo] = field(default_factory=list)
    name: str = ""  # how the person knows this file (set by the caller, or the member)

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            # An .xlsx is XML in a zip: a text encoding means nothing for it.
            "encoding": self.encoding if self.kind == "csv" else "",
            "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
                self.delimiter, self.delimiter
            )
            if self.kind == "csv"
            else "",
            "member": self.member,
            "members": [self.member, *(m.member for m in self.more)] if self.more else [],
            "notes": self.notes,
            "cut_off": self.cut_off,
        }

    @property
    def parts(self) -> list[SourceInfo]:
        return [self, *self.more]


def file_line(info: SourceInfo, line: int) -> tuple[str, int]:
    """(file, line in it) of a line number of a source of several files."""
    index, local = divmod(int(line), LINE_BASE)
    parts = info.parts
    return (parts[index].name if index < len(parts) else ""), local


def header_keys(info: SourceInfo) -> list[str]:
    return [header_key(h) for h in info.headers]
