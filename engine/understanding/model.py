"""Small linear models trained on the lexicon's examples (scikit-learn), served with numpy alone.

Training happens when the lexicon changes: its result is kept in ``var/cache/understanding/`` under a key made of the
lexicon's bytes and of the code that turns text into features, so a start-up with unchanged content only reads a
file (and never imports scikit-learn). The cache holds plain arrays (``allow_pickle=False``), never code.
"""
from __future__ import annotations

import hashlib
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lexicon import INTENTS, LABEL_SECTIONS, MOVES, Lexicon, Taught
from .features import CHARS, SIGNALS

NONE = ""  # the class of «no label» in a topic or reason model
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "understanding"
_CODE = ("features.py", "lexicon.py", "model.py", "patterns.py", "text.py")
KEEP_FILES = 8
W_GROUP = [float(x) for x in os.environ.get('NLU_W', '1,1').split(',')]  # trained models of the most recent lexicon versions kept in the cache
import os
C = float(os.environ.get("NLU_C", "20"))  # inverse regularisation strength of every logistic regression
Features = Callable[[str], dict[str, float]]
PhraseFeatures = Callable[[str, str], dict[str, float]]


@dataclass(frozen=True)
class Head:
    """One model: the labels it tells apart and its weights over the shared features plus its own phrase scores."""

    labels: tuple[str, ...]
    phrase_labels: tuple[str, ...]
    coef: np.ndarray  # (shared features, labels)
    phrase_coef: np.ndarray  # (phrase labels, labels)
    intercept: np.ndarray  # (labels,)
    multilabel: bool  # independent yes/no per label (moves) rather than one of the labels

    def logits(self, vector: tuple[np.ndarray, np.ndarray], phrases: Mapping[str, float]) -> np.ndarray:
        indices, values = vector
        result = values @ self.coef[indices] + self.intercept
        for index, label in enumerate(self.phrase_labels):
            score = phrases.get(label)
            if score:
                result = result + score * self.phrase_coef[index]
        return result


@dataclass(frozen=True)
class Model:
    vocabulary: Mapping[str, int]
    idf: np.ndarray
    heads: Mapping[str, Head]

    def vector(self, counts: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """TF-IDF of the known features, words and letters each scaled to unit length; signals as they are."""
        indices: list[int] = []
        values: list[float] = []
        groups: list[int] = []
        norms = [0.0, 0.0]
        for key, count in counts.items():
            index = self.vocabulary.get(key)
            if index is None:
                continue
            if key.startswith(SIGNALS):
                group, value = -1, 1.0
            else:
                group = 1 if key.startswith(CHARS) else 0
                value = (1.0 + math.log(count)) * float(self.idf[index])
                norms[group] += value * value
            indices.append(index)
            values.append(value)
            groups.append(group)
        scale = [W_GROUP[i] / math.sqrt(n) if n else 0.0 for i, n in enumerate(norms)]
        weighted = [v if g < 0 else v * scale[g] for v, g in zip(values, groups)]
        return np.fromiter(indices, dtype=np.int64, count=len(indices)), np.array(weighted, dtype=np.float32)


def code_digest() -> str:
    return _code_digest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    digest = hashlib.sha256()
    folder = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def load_model(lexicon: Lexicon, features: Features, phrases: PhraseFeatures,
               cache_dir: Path = CACHE_DIR) -> Model:
    """The trained model of ``lexicon``: read from the cache, or trained and cached."""
    key = hashlib.sha256((lexicon.digest + code_digest()).encode()).hexdigest()[:32]
    path = cache_dir / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            return _from_arrays(dict(stored))
    except (OSError, KeyError, ValueError):
        pass
    arrays = _train(lexicon, features, phrases)
    _store(path, arrays)
    return _from_arrays(arrays)


def _store(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Written whole or not at all; a read-only place only means training again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
        for old in sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime_ns, reverse=True)[KEEP_FILES:]:
            old.unlink()
    except OSError:
        pass


def _from_arrays(arrays: Mapping[str, np.ndarray]) -> Model:
    vocabulary = {str(key): index for index, key in enumerate(arrays["vocabulary"].tolist())}
    heads = {}
    for section in (str(s) for s in arrays["sections"].tolist()):
        heads[section] = Head(tuple(arrays[f"{section}.labels"].tolist()),
                              tuple(arrays[f"{section}.phrase_labels"].tolist()),
                              arrays[f"{section}.coef"], arrays[f"{section}.phrase_coef"],
                              arrays[f"{section}.intercept"], bool(arrays[f"{section}.multilabel"]))
    return Model(vocabulary, arrays["idf"], heads)


def _train(lexicon: Lexicon, features: Features, phrases: PhraseFeatures) -> dict[str, np.ndarray]:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    taught = {section: lexicon.examples[section] for section in LABEL_SECTIONS}
    counts = {text: features(text) for examples in taught.values() for text in (t.text for t in examples)}
    vocabulary_keys = sorted({key for found in counts.values() for key in found})
    vocabulary = {key: index for index, key in enumerate(vocabulary_keys)}
    df = np.zeros(len(vocabulary), dtype=np.float64)
    for found in counts.values():
        for key in found:
            df[vocabulary[key]] += 1
    idf = (np.log((1 + len(counts)) / (1 + df)) + 1).astype(np.float32)
    shared = Model(vocabulary, idf, {})
    arrays: dict[str, np.ndarray] = {"vocabulary": np.array(vocabulary_keys), "idf": idf,
                                     "sections": np.array([s for s in LABEL_SECTIONS if lexicon.section(s)])}
    for section in LABEL_SECTIONS:
        examples = taught[section]
        labels = tuple(lexicon.section(section))
        phrase_labels = labels
        rows = [shared.vector(counts[t.text]) for t in examples]
        base = csr_matrix(([v for _, vals in rows for v in vals], [i for idx, _ in rows for i in idx],
                           np.cumsum([0] + [len(idx) for idx, _ in rows])), shape=(len(rows), len(vocabulary)))
        found = [phrases(section, t.text) for t in examples]
        extra = csr_matrix(np.array([[f.get(label, 0.0) for label in phrase_labels] for f in found],
                                    dtype=np.float32).reshape(len(rows), len(phrase_labels)))
        matrix = hstack([base, extra]).tocsr()
        if not labels:
            continue
        if section == MOVES:
            weights = np.zeros((matrix.shape[1], len(labels)), dtype=np.float32)
            intercept = np.zeros(len(labels), dtype=np.float32)
            for column, label in enumerate(labels):
                target = np.array([label in t.labels for t in examples])
                fitted = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=0)
                fitted.fit(matrix, target)
                weights[:, column] = fitted.coef_[0]
                intercept[column] = fitted.intercept_[0]
            classes = labels
        else:
            classes = labels if section == INTENTS else (*labels, NONE)
            target = np.array([classes.index(t.labels[0] if t.labels else NONE) for t in examples])
            fitted = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=0)
            fitted.fit(matrix, target)
            weights, intercept = fitted.coef_.T.astype(np.float32), fitted.intercept_.astype(np.float32)
            if len(classes) == 2:  # scikit-learn keeps one column for two classes: the log-odds of the second
                weights = np.hstack([np.zeros_like(weights), weights])
                intercept = np.array([0.0, intercept[0]], dtype=np.float32)
        arrays[f"{section}.labels"] = np.array(classes)
        arrays[f"{section}.phrase_labels"] = np.array(phrase_labels)
        arrays[f"{section}.coef"] = np.ascontiguousarray(weights[:len(vocabulary)])
        arrays[f"{section}.phrase_coef"] = np.ascontiguousarray(weights[len(vocabulary):])
        arrays[f"{section}.intercept"] = intercept
        arrays[f"{section}.multilabel"] = np.array(section == MOVES)
    return arrays


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logits))


def restricted(head: Head, logits: np.ndarray, allowed: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Probabilities over ``allowed`` labels only (the others are not possible here)."""
    index = [head.labels.index(label) for label in allowed]
    return tuple(allowed), softmax(logits[index])
