"""The shared tokenisation of the token-based exports: spaCy's tokens, sentences, IOB."""

from __future__ import annotations

import json

import pytest
import spacy

from akkord.resources import resource_path
from akkord.textproc.tokens import (
    TOKEN_BREAKS,
    Tokenizer,
    iob2,
    pack,
    runs_with_breaks,
    sentence_ranges,
    spans_from_iob,
    unpack,
)

TRICKY = ("Nato-sjefen sa bl.a. at kl. 12.00 f.eks. 10.000 «soldater» (😀) kom... Hva?! "
          "«Ja.» Dr. Who, U.S.A. :-) http://nrk.no/x?y=1 e-post@nrk.no 𝔸-lag\n\nNy linje.")


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def _words(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_tokens_are_exactly_spacys_norwegian_tokens(tokenizer: Tokenizer) -> None:
    nlp = spacy.blank("nb")
    demo = [json.loads(line) for line in resource_path("demo", "gold.jsonl").open("rb")]
    texts = [TRICKY, *(d["text"] for d in demo if "text" in d)]
    for text in texts:
        expected = [(t.idx, t.idx + len(t.text)) for t in nlp(text) if not t.is_space]
        assert tokenizer.spacy_tokens(text) == expected
    words = _words(TRICKY, tokenizer.spacy_tokens(TRICKY))
    assert {"Nato-sjefen", "bl.a.", "f.eks.", "10.000", "😀", "«"} <= set(words)


def test_mentions_cut_tokens_and_are_reported(tokenizer: Tokenizer) -> None:
    text = "Nato-sjefen møtte 𝔸-laget."
    result = tokenizer.tokenize(text, {}, [(0, 4), (18, 19)])
    assert _words(text, result.tokens)[:3] == ["Nato", "-sjefen", "møtte"]
    assert "𝔸" in _words(text, result.tokens)
    assert _words(text, result.cuts) == ["Nato-sjefen", "𝔸-laget"]
    assert result.token_range(0, 4) == (0, 1)


def test_sentences_end_at_line_breaks_and_punctuation_but_not_inside_mentions(
        tokenizer: Tokenizer) -> None:
    text = "Han kom i går. «Nei.» Hun sa bl.a. nei. 12 dager\nNy linje"
    tokens = tokenizer.spacy_tokens(text)
    sentences = sentence_ranges(text, tokens)
    first_words = [text[tokens[a][0]:tokens[a][1]] for a, _ in sentences]
    assert first_words == ["Han", "«", "Hun", "12", "Ny"]
    # a mention across "nei. 12" keeps those sentences together
    start = text.index("nei. 12")
    joined = sentence_ranges(text, tokens, [(start, start + 7)])
    assert [text[tokens[a][0]:tokens[a][1]] for a, _ in joined] == ["Han", "«", "Hun", "Ny"]


def test_stored_tokens_and_lines_win_for_pretokenised_documents(tokenizer: Tokenizer) -> None:
    text = 'Han sa "nei". Dr. Who\nNy linje'
    breaks = [text.index('"nei'), text.index('"nei') + 1, text.index('".'),
              text.index('".') + 1]
    result = tokenizer.tokenize(text, {TOKEN_BREAKS: breaks})
    assert _words(text, result.tokens) == ["Han", "sa", '"', "nei", '"', ".", "Dr.", "Who",
                                           "Ny", "linje"]
    assert result.sentences == [(0, 8), (8, 10)]  # lines only, not ". Dr"
    assert runs_with_breaks("ab cd", [1]) == [(0, 1), (1, 2), (3, 5)]


def test_iob2_and_back() -> None:
    text = "Jens Stoltenberg møtte Nato i dag"
    tokenizer_tokens = [(0, 4), (5, 16), (17, 22), (23, 27), (28, 29), (30, 33)]
    from akkord.textproc.tokens import Tokenized

    tokenized = Tokenized(tokenizer_tokens, [(0, 6)])
    tags = iob2(tokenized, [(0, 16, "PER"), (23, 27, "ORG"), (29, 30, "WS")])
    assert tags == ["B-PER", "I-PER", "O", "B-ORG", "O", "O"]
    assert spans_from_iob(tags) == [(0, 2, "PER"), (3, 4, "ORG")]
    assert text[tokenizer_tokens[0][0]:tokenizer_tokens[1][1]] == "Jens Stoltenberg"
    # IOB1 (I- starts a span) and BIOES read too
    assert spans_from_iob(["I-PER", "I-PER", "B-PER", "O"]) == [(0, 2, "PER"), (2, 3, "PER")]
    assert spans_from_iob(["S-LOC", "B-ORG", "E-ORG", "U-X"]) == [(0, 1, "LOC"),
                                                                   (1, 3, "ORG"), (3, 4, "X")]
    assert spans_from_iob(["B-A", "I-B"]) == [(0, 1, "A"), (1, 2, "B")]
    with pytest.raises(ValueError, match="not an IOB tag"):
        spans_from_iob(["PER"])


def test_stored_tokens_tokenize_as_the_text_does(tokenizer: Tokenizer) -> None:
    """Tokens and sentence starts stored once (packed) give the same tokens, cuts and
    sentences for any mentions as tokenising the text again."""
    text = TRICKY + " Stoltenberg-møtet. Nato svarte."
    stored = unpack(pack(tokenizer.base(text, {})))
    assert stored == tokenizer.base(text, {})
    for mentions in ([], [(0, 4)], [(text.index("Hva"), text.index("Hva") + 2)],
                     [(text.index("kom..."), text.index("kom...") + 3), (2, 9)],
                     [(text.index("-møtet"), text.index("-møtet") + 7)]):
        assert tokenizer.tokenize(text, {}, mentions, stored) == tokenizer.tokenize(text, {},
                                                                                    mentions)
