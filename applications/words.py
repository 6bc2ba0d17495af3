"""The one word-count rule for the 500-word limit (mirrored in static/applications/word_counter.js).

A word is a run of non-whitespace characters that contains at least one letter or digit:

- words are separated by whitespace (the exact set JavaScript's ``\\s`` matches, listed below,
  so the browser's live counter and the server agree character for character);
- a hyphenated word ("community-based", "co-responder") is one word;
- numbers count ("911", "24/7", "2022");
- letters and digits of every script count (Unicode categories L* and N*: "José", "社区");
- punctuation or symbols alone ("—", "&", "...") are not words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

WORD_LIMIT = 500

# Exactly JavaScript's \s (ECMAScript WhiteSpace + LineTerminator).
WHITESPACE = re.compile(
    "[\t\n\u000b\u000c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
)


def _is_word(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def count_words(text: str) -> int:
    return sum(1 for token in WHITESPACE.split(text or "") if token and _is_word(token))


def count_words_in(texts: Iterable[str]) -> int:
    return sum(count_words(t) for t in texts)
