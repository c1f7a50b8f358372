"""Substring search that an index serves, for Chinese text too: a bigram document.

A leading-wildcard `LIKE '%科技%'` reads the whole table, and pg_trgm cannot help with the common two-character
Chinese query: a trigram index needs three characters. So a model that is searched keeps a `search_document`: the
overlapping two-character pieces (bigrams) of its searched texts, space-separated. Any substring of two characters or
more of those texts has all its bigrams in the document, so "the document holds every bigram of the term" finds every
row a substring search finds (and a few more: 科技创 finds 科技 … 技创; callers recheck the source fields when that
matters).

On PostgreSQL the document is indexed as an array, `string_to_array(search_document, ' ')`, by GIN, and a search is
`@>` of the term's bigrams: a bitmap index scan, whatever the table's size. (A `to_tsvector('simple', …)` index would
serve too, but its parser drops punctuation such as （ ）, which names hold; the array takes the pieces as they are.)
On SQLite, for the small data sets it serves, the same condition is a `LIKE` per bigram.

A model that uses it declares::

    search_document = models.TextField(editable=False, blank=True, default="")

    class Meta:
        indexes = [BigramIndex(fields=["search_document"], name="unit_search_document")]

and fills it with `bigram_document(...)` on every path that writes the searched texts (services and bulk paths).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from django.db import connection, connections, models
from django.db.models import F, Func, Q, Value

if TYPE_CHECKING:
    from django.db.models import QuerySet

_SEPARATORS = re.compile(r"\s+")
_LATIN_WORDS = re.compile(r"[0-9a-z]+")


def _normalise(text: str) -> str:
    """NFKC (full-width Ａ１（ fold to A1( as people type either) and lower case: document and term alike."""
    return unicodedata.normalize("NFKC", text).lower()


def _pieces(text: str) -> list[str]:
    return [piece for piece in _SEPARATORS.split(_normalise(text)) if piece]


def term_bigrams(term: str) -> list[str]:
    """The bigrams a document must hold to contain `term`, in order, without repeats; [] for a term of fewer than two
    characters (per white-space separated piece)."""
    grams: dict[str, None] = {}
    for piece in _pieces(term):
        for start in range(len(piece) - 1):
            grams[piece[start : start + 2]] = None
    return list(grams)


def bigram_document(*texts: str) -> str:
    """The search document of `texts`: each piece's overlapping bigrams, a lone character as itself, and Latin words
    and numbers whole too (abc12 → ab bc c1 12 abc12), lower-cased and NFKC-folded, space-separated, no repeats."""
    tokens: dict[str, None] = {}
    for text in texts:
        for piece in _pieces(text or ""):
            if len(piece) == 1:
                tokens[piece] = None
            for start in range(len(piece) - 1):
                tokens[piece[start : start + 2]] = None
            for word in _LATIN_WORDS.findall(piece):
                tokens[word] = None
    return " ".join(tokens)


def _document_array(field: str) -> Func:
    from django.contrib.postgres.fields import ArrayField  # psycopg is installed wherever PostgreSQL is used

    return Func(F(field), Value(" "), function="string_to_array", output_field=ArrayField(models.TextField()))


class BigramIndex(models.Index):
    """GIN over the document's bigrams as an array, on PostgreSQL (what `bigram_filter` queries). Other databases get
    a plain index of the column: they search it by `LIKE`, which no index serves, and keep the migration portable."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        from django.contrib.postgres.indexes import GinIndex

        (field,) = self.fields
        gin = GinIndex(_document_array(model._meta.get_field(field).column), name=self.name)
        return gin.create_sql(model, schema_editor, **kwargs)


def bigram_q(term: str, *, field: str = "search_document", vendor: str = "") -> Q:
    """The condition of `bigram_filter` as a Q, to combine with others (the source fields' recheck, an OR with a
    credit code's prefix). `field` may reach the document through a relation (`unit__search_document`); `vendor` is
    the database's (`connection.vendor`), the default database's when not given."""
    grams = term_bigrams(term)
    if not grams:
        return Q(**{f"{field}__contains": _normalise(term).strip()})
    if (vendor or connection.vendor) == "postgresql":
        from django.contrib.postgres.fields.array import ArrayContains

        return Q(ArrayContains(_document_array(field), grams))
    return Q(*(Q(**{f"{field}__contains": gram}) for gram in grams))


def bigram_filter(queryset: QuerySet, term: str, *, field: str = "search_document") -> QuerySet:
    """The rows whose document holds every bigram of `term`: served by the GIN index on PostgreSQL for a term of two
    characters or more; a `LIKE` on SQLite and for a one-character term. The caller scopes the queryset first."""
    return queryset.filter(bigram_q(term, field=field, vendor=connections[queryset.db].vendor))
