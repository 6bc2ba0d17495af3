"""The 500-word rule (applications/words.py), the same in Python and in the browser's JS."""

import pytest

from applications.words import count_words, count_words_in


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Alternative response teams", 3),
        ("community-based co-responder model", 3),  # a hyphenated word counts once
        ("well - known", 2),  # a dash alone is punctuation, not a word
        ("We answer 911 calls 24/7 since 2022.", 7),  # numbers count
        ("$1,200,000 over 3 years", 4),
        ("— ... & !!! ?", 0),  # punctuation alone does not count
        ("Hello, world!", 2),
        ("José's equipo de respuesta", 4),  # unicode letters count
        ("社区 安全", 2),  # words of other scripts separated by spaces
        ("naïve café", 2),
        ("one\u00a0two\u2003three", 3),  # non-breaking and em spaces separate words
        ("«quoted» (parenthesised) [bracketed]", 3),
        ("e.g. i.e. U.S.", 3),
        ("٣ ٤", 2),  # Arabic-Indic digits are digits
    ],
)
def test_the_word_rule(text, words):
    assert count_words(text) == words


def test_answers_are_counted_together():
    assert count_words_in(["one two", "three", ""]) == 3


def test_exactly_500_words_pass_and_501_do_not():
    from applications.words import WORD_LIMIT

    assert count_words(" ".join(["w"] * 500)) == WORD_LIMIT
    assert count_words(" ".join(["w"] * 501)) > WORD_LIMIT
