"""Suggestions that learn: known names, all occurrences, offices and a recommender.

Every suggester returns :class:`Suggestion` values; :func:`write_suggestions` writes them
into an annotator's layer inside the caller's transaction. See each module:

* :mod:`.aliases` — a linked surface form becomes an alias (linking that remembers);
* :mod:`.matcher` / :mod:`.preannotate` — the project's names found in a document;
* :mod:`.occurrences` — every other occurrence of a mention's form;
* :mod:`.offices` — an office's mention linked to its holder on the article's date;
* :mod:`.recommender` — a sequence tagger trained on the project's own annotations;
* :mod:`.pipeline` — all of them for one document, merged;
* :mod:`.review` — the review list: accept (remembering forms), reject, undo;
* :mod:`.effort` — the keys and clicks an annotation costs, with and without suggestions.
"""

from akkord.services.suggesting.aliases import forget_alias, remember_alias
from akkord.services.suggesting.model import (
    ALIAS,
    MODEL,
    OCCURRENCE,
    OFFICE,
    Suggestion,
    SuggestionCounts,
)
from akkord.services.suggesting.occurrences import occurrences
from akkord.services.suggesting.preannotate import KnownNames, load_matcher, preannotate
from akkord.services.suggesting.review import (
    ReviewChange,
    ReviewItem,
    accept,
    reject,
    review_queue,
    undo_review,
)
from akkord.services.suggesting.writing import SuggestionError, write_suggestions

__all__ = [
    "ALIAS",
    "MODEL",
    "OCCURRENCE",
    "OFFICE",
    "KnownNames",
    "ReviewChange",
    "ReviewItem",
    "Suggestion",
    "SuggestionCounts",
    "SuggestionError",
    "accept",
    "forget_alias",
    "load_matcher",
    "occurrences",
    "preannotate",
    "reject",
    "remember_alias",
    "review_queue",
    "undo_review",
    "write_suggestions",
]
