"""What a CSV file's text is: binary or text, its encoding, delimiter and headers, whether it is
cut off, and where given lines are in it."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from calldata.engine.reading.source import SourceInfo


def sniff_kind(head: bytes) -> str | None:
    if not head:
        return None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a member first, or an empty zip
        return "zip"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    text = head.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return "csv" if printable / max(len(text), 1) > 0.95 else None


def scan_text(path: Path) -> tuple[str, bool]:
    """(encoding, quoted) from one read of the file. The encoding is UTF-8 (with or without
    BOM) when every byte decodes as UTF-8, else Windows-1252. `quoted`: whether a double quote
    occurs anywhere; without one no value can hold a line break, and Arrow's multi-threaded
    reader splits the file into blocks at half the cost."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", True
        else:
            encoding = "utf-8"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        quoted = False
        while block := handle.read(8 * 1024 * 1024):
            quoted = quoted or b'"' in block
            # ASCII is valid UTF-8: only blocks with other bytes (or following a block that
            # ended inside a character) need the decoder, which is several times slower.
            if encoding != "cp1252" and (not block.isascii() or decoder.getstate()[0]):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1252"
            if encoding == "cp1252" and quoted:
                break
        if encoding != "cp1252":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    return encoding, quoted


def first_text(path: Path, encoding: str, size: int = 64 * 1024) -> str:
    with path.open("rb") as handle:
        raw = handle.read(size)
    return raw.decode(encoding, errors="ignore").lstrip("\ufeff")


def detect_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for index, raw in enumerate(headers):
        name = str(raw).replace("\ufeff", "").strip() or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        result.append(name)
    return result


def cut_off(path: Path, encoding: str, delimiter: str, width: int) -> dict | None:
    """Whether the file stops in the middle of a line: its last line has no line break after
    it and either fewer fields than the header or a quote left open. (A last line that is
    complete but lacks the final line break is common and fine.)"""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 256 * 1024))
        tail = handle.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    last = tail[tail.rfind(b"\n") + 1 :]
    text = last.decode("utf-8" if encoding.startswith("utf-8") else encoding, errors="replace")
    open_quote = text.count('"') % 2 == 1
    fields = next(csv.reader([text], delimiter=delimiter), [])
    if not open_quote and len(fields) >= width:
        return None
    with path.open("rb") as handle:
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(8 << 20), b""))
    return {"line": lines + 1, "bytes": len(last), "text": text[:80]}


def find_lines(info: SourceInfo, texts: list[str], width: int = 120) -> dict[str, int]:
    """The line number of each text, the first `width` characters of a line of the file (the
    rows Arrow skipped without a number), read once from the start until all are found."""
    wanted = {t.rstrip("\r\n")[:width] for t in texts}
    found: dict[str, int] = {}
    if not wanted or info.kind != "csv":
        return found
    encoding = "utf-8-sig" if info.encoding.startswith("utf-8") else info.encoding
    with info.path.open(encoding=encoding, errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")[:width]
            if text in wanted and text not in found:
                found[text] = number
                if len(found) == len(wanted):
                    break
    return found


def cut_off_message(cut: dict) -> str:
    return (
        f"The file is cut off: its last line (line {cut['line']}) stops in the middle, "
        f"{cut['bytes']} bytes after the last complete line (“{cut['text']}”). That line is "
        "not imported; the export or the copy was probably interrupted — export the file again "
        "to have every call."
    )
