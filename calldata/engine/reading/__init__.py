"""Reading a CAD export: CSV (any delimiter, UTF-8 with or without BOM, Windows-1252), Excel
(.xlsx) or a .zip holding one of them, as chunks of text columns.

Everything is read as text; parsing numbers and dates is normalise's job, where failures can be
counted and reported row by row instead of failing the whole file.

source: SourceInfo and ReadError; opening: open_source (what a stored file is and how to read
it); text: a CSV's encoding, delimiter, headers and cut-off; archives: .zip listings and
unpacking within caps; excel: .xlsx sheets; chunks: the rows as DataFrames, block by block
(its CHUNK_BYTES sets their size); prefetch: a producer thread ahead of its consumer.
"""

from calldata.engine.reading.archives import check_xlsx_listing, zip_code_tables, zip_members
from calldata.engine.reading.chunks import column_chunks, preview, read_chunks
from calldata.engine.reading.opening import open_source, open_sources
from calldata.engine.reading.prefetch import prefetched
from calldata.engine.reading.source import (
    LINE_BASE,
    ReadError,
    SourceInfo,
    file_line,
    header_keys,
)
from calldata.engine.reading.text import (
    cut_off,
    cut_off_message,
    detect_delimiter,
    find_lines,
    scan_text,
    sniff_kind,
)

__all__ = [
    "LINE_BASE",
    "ReadError",
    "SourceInfo",
    "check_xlsx_listing",
    "column_chunks",
    "cut_off",
    "cut_off_message",
    "detect_delimiter",
    "file_line",
    "find_lines",
    "header_keys",
    "open_source",
    "open_sources",
    "prefetched",
    "preview",
    "read_chunks",
    "scan_text",
    "sniff_kind",
    "zip_code_tables",
    "zip_members",
]
