"""Label normalisation: the one definition of "the same name" used for matching and merging.

Case, plural, hyphen/space and punctuation variants fold to one key, so "GPUs", "GPU" and "gpu"
share a key and "Key-Value cache" equals "key value cache". Acronym/expansion pairs are not
folded here: they are aliases, recorded by the extractor and merged by ``kg.merge``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold_title", "norm_key", "singular", "tokenize"]

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2212": "-", "\u2019": "'", "\u2018": "'"})
_SEPARATORS = re.compile(r"[-_/,:;()\[\]{}\"`]|'s\b|'")
# A token: letters/digits with inner dots or plus signs kept ("2.5", "C++", "ZeRO++").
TOKEN_RE = re.compile(r"[A-Za-z0-9\u00C0-\u024F\u0370-\u03FF]+(?:[.][0-9A-Za-z]+)*\+*")
_NO_SINGULAR = ("ss", "us", "is", "ics", "ous")


def singular(word: str) -> str:
    """The singular of one lower-cased word, conservatively: "gpus" -> "gpu", "bus" stays.

    Short words and words that are not plural in form are returned unchanged.
    """
    if len(word) <= 3 or not word.endswith("s") or word[-2].isdigit():
        return word
    if word.endswith(_NO_SINGULAR):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("tches", "nches", "rches", "oaches", "shes", "xes", "sses", "zzes")):
        return word[:-2]
    return word[:-1]


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split text into word tokens with their character offsets.

    Hyphens, slashes and other punctuation separate tokens; offsets index the original string
    (NFKC normalisation does not change lengths for the characters we split on, and tokens are
    matched on the original text).
    """
    return [(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


@functools.lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """The comparison form of one token: lower case, singular, trailing dots dropped.

    An upper-case acronym with a plural "s" ("GPUs", "TPUs", "LLMs") loses the "s" whatever
    its letters, which ``singular`` alone would not do for "gpus" (it looks like "bus").
    """
    token = token.rstrip(".")
    if len(token) >= 3 and token.endswith("s") and token[:-1].isupper():
        return token[:-1].lower()
    return singular(token.lower())


# Greek letters spelled out, so "λ-ECLIPSE" and "lambda-ECLIPSE" are one name.
_GREEK = str.maketrans({
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Α": "Alpha", "Β": "Beta", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda",
    "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega"})


@functools.lru_cache(maxsize=65536)
def norm_key(name: str) -> str:
    """The comparison key of a whole name: tokens folded and joined by one space, Greek
    letters spelled out.

    Examples
    --------
    >>> norm_key("Graphics Processing Units")
    'graphic processing unit'
    >>> norm_key("Key-Value (KV) Cache")
    'key value kv cache'
    """
    text = _SEPARATORS.sub(" ", _clean(name).translate(_GREEK))
    return " ".join(token_key(t) for t, _, _ in tokenize(text))


def fold_title(title: str) -> str:
    """The dedupe key of a paper title: case, punctuation, TeX markup and spacing folded."""
    text = _clean(title).lower()
    text = re.sub(r"\\[a-z]+\{([^}]*)\}", r"\1", text)  # \textbf{X} -> X
    text = re.sub(r"[^0-9a-z\u00C0-\u024F\u0370-\u03FF]+", " ", text)
    return " ".join(text.split())
