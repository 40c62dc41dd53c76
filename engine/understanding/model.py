"""Small linear models trained on the lexicon's examples (scikit-learn), served with numpy alone.

Training happens when the lexicon changes: its result is kept in ``var/cache/understanding/`` under a key made of the
lexicon's bytes and of the code that turns text into features, so a start-up with unchanged content only reads a
file (and never imports scikit-learn). The cache holds plain arrays (``allow_pickle=False``), never code.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..file_cache import keep_newest, write_whole
from .features import CHARS, SIGNALS, message_features, token_features, feature_keys
from .lexicon import INTENTS, LABEL_SECTIONS, MOVES, Lexicon, Signals, Taught
from .text import Utterance

NONE = ""  # the class of «no label» in a topic or reason model
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "understanding"
_CODE = ("features.py", "lexicon.py", "model.py", "patterns.py", "text.py")
KEEP_FILES = 8  # trained models of the most recent lexicon versions kept in the cache
FIT_THREADS = 2  # models fitted side by side (scipy's sparse products release the GIL)
C = 50.0  # inverse regularisation strength of every logistic regression (chosen on batch A and held-out)
WORDS, LETTERS, WHOLE = 0, 1, 2  # feature groups: each of the first two is scaled to unit length
Analyze = Callable[[str], Utterance]
PhraseFeatures = Callable[[str, str], dict[str, float]]


@dataclass(frozen=True)
class Head:
    """One model: the labels it tells apart and its weights over the shared features plus its own phrase scores."""

    labels: tuple[str, ...]
    phrase_labels: tuple[str, ...]
    coef: np.ndarray  # (shared features, labels)
    phrase_coef: np.ndarray  # (phrase labels, labels)
    intercept: np.ndarray  # (labels,)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_phrase_row", {label: row for row, label in enumerate(self.phrase_labels)})

    def logits(self, vector: tuple[np.ndarray, np.ndarray], phrases: Mapping[str, float]) -> np.ndarray:
        indices, values = vector
        result = values @ self.coef[indices] + self.intercept
        for label, score in phrases.items():
            result += score * self.phrase_coef[self._phrase_row[label]]  # type: ignore[attr-defined]
        return result


class Model:
    """The shared features (TF-IDF of words and letters, message signals) and the models over them."""

    def __init__(self, vocabulary: Mapping[str, int], idf: np.ndarray, heads: Mapping[str, Head], signals: Signals):
        self.vocabulary = vocabulary
        self.idf = idf
        self.heads = heads
        self._signals = signals
        self._groups = np.array([WHOLE if key.startswith(SIGNALS) else LETTERS if key.startswith(CHARS) else WORDS
                                 for key in vocabulary], dtype=np.int64)
        self._word = lru_cache(maxsize=65536)(self._word_indices)

    def vector(self, utterance: Utterance) -> tuple[np.ndarray, np.ndarray]:
        """The known features with their weights: words and letters by TF-IDF, each group scaled to unit length;
        signals as they are."""
        known = [i for i in (self.vocabulary.get(k) for k in message_features(utterance, self._signals))
                 if i is not None]
        parts = [self._word(t.word, t.lemma, t.negated, t.is_number) for t in utterance.tokens]
        indices, counts = np.unique(np.concatenate([*parts, np.array(known, dtype=np.int64)]), return_counts=True)
        groups = self._groups[indices]
        values = np.where(groups == WHOLE, 1.0, (1.0 + np.log(counts)) * self.idf[indices])
        norms = np.bincount(groups, weights=values * values, minlength=3)
        scale = np.divide(1.0, np.sqrt(norms), out=np.zeros(3), where=norms > 0)
        scale[WHOLE] = 1.0
        return indices, (values * scale[groups]).astype(np.float32)

    def _word_indices(self, word: str, lemma: str, negated: bool, is_number: bool) -> np.ndarray:
        found = (self.vocabulary.get(k) for k in token_features(word, lemma, negated, is_number))
        return np.array([i for i in found if i is not None], dtype=np.int64)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Changes when the code that turns text into features or trains the models does."""
    digest = hashlib.sha256()
    folder = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def cache_path(lexicon: Lexicon) -> Path:
    """Where the model trained on ``lexicon`` by this code is kept."""
    return CACHE_DIR / f"{hashlib.sha256((lexicon.digest + code_digest()).encode()).hexdigest()[:32]}.npz"


def load_model(lexicon: Lexicon, analyze: Analyze, phrases: PhraseFeatures) -> Model:
    """The trained model of ``lexicon``: read from the cache, or trained and cached. Processes that start together
    after a change (several workers, test workers) train it once: the others wait for the first and read its file;
    a model of another lexicon trains meanwhile."""
    path = cache_path(lexicon)
    model = _cached(path, lexicon.language.signals)
    if model is not None:
        return model
    with _training_lock(path):
        model = _cached(path, lexicon.language.signals)
        if model is not None:
            return model
        arrays = _train(lexicon, analyze, phrases)
        _store(path, arrays)
    return _from_arrays(arrays, lexicon.language.signals)


def _cached(path: Path, signals: Signals) -> Model | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            return _from_arrays(dict(stored), signals)
    except (OSError, KeyError, ValueError):
        return None


@contextmanager
def _training_lock(path: Path) -> Iterator[None]:
    """One training at a time of the model kept at ``path``; without a writable cache, no waiting (each process
    trains for itself)."""
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "a")
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _store(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Written whole or not at all; a read-only place only means training again next time."""
    packed = io.BytesIO()
    np.savez(packed, **arrays)
    try:
        write_whole(path, packed.getvalue())
        keep_newest(path.parent, "*.npz", KEEP_FILES)
        keep_newest(path.parent, "*.lock", KEEP_FILES)
    except OSError:
        pass


def _from_arrays(arrays: Mapping[str, np.ndarray], signals: Signals) -> Model:
    vocabulary = {str(key): index for index, key in enumerate(arrays["vocabulary"].tolist())}
    heads = {section: Head(tuple(arrays[f"{section}.labels"].tolist()),
                           tuple(arrays[f"{section}.phrase_labels"].tolist()),
                           arrays[f"{section}.coef"], arrays[f"{section}.phrase_coef"], arrays[f"{section}.intercept"])
             for section in (str(s) for s in arrays["sections"].tolist())}
    return Model(vocabulary, arrays["idf"], heads, signals)


def _train(lexicon: Lexicon, analyze: Analyze, phrases: PhraseFeatures) -> dict[str, np.ndarray]:
    """One vocabulary for all the examples; per section a logistic regression over it and the section's phrases:
    one of the labels (intents; topics and reasons with «none» besides), or yes/no per label (moves)."""
    signals = lexicon.language.signals
    utterances = {t.text: analyze(t.text) for section in LABEL_SECTIONS for t in lexicon.examples[section]}
    found = [feature_keys(utterance, signals) for utterance in utterances.values()]
    keys = sorted(set().union(*found))
    vocabulary = {key: index for index, key in enumerate(keys)}
    df = np.zeros(len(keys))
    for features in found:
        df[[vocabulary[key] for key in features]] += 1
    idf = (np.log((1 + len(found)) / (1 + df)) + 1).astype(np.float32)
    shared = Model(vocabulary, idf, {}, signals)
    sections = [section for section in LABEL_SECTIONS if lexicon.section(section)]
    arrays: dict[str, np.ndarray] = {"vocabulary": np.array(keys), "idf": idf, "sections": np.array(sections)}
    fitting = []
    with ThreadPoolExecutor(max_workers=FIT_THREADS) as pool:  # fitting a section while the next one's matrix is built
        for section in sections:
            examples = lexicon.examples[section]
            labels = tuple(lexicon.section(section))
            strength = np.array([t.weight for t in examples])
            matrix = _matrix(shared, [utterances[t.text] for t in examples],
                             [phrases(section, t.text) for t in examples], labels)
            if section == MOVES:
                classes = labels
                jobs = [pool.submit(_fit_label, matrix, examples, strength, label) for label in labels]
            else:
                classes = labels if section == INTENTS else (*labels, NONE)
                jobs = [pool.submit(_fit, matrix, np.array([classes.index((*t.labels, NONE)[0]) for t in examples]),
                                    strength)]
            fitting.append((section, classes, labels, jobs))
    for section, classes, labels, jobs in fitting:
        fitted = [job.result() for job in jobs]
        if section == MOVES:
            weights = np.hstack([coef.T for coef, _ in fitted])
            intercept = np.concatenate([bias for _, bias in fitted])
        else:
            [(weights, intercept)] = fitted
            weights = weights.T
            if len(classes) == 2:  # scikit-learn keeps one column for two classes: the log-odds of the second
                weights, intercept = np.hstack([np.zeros_like(weights), weights]), np.array([0.0, intercept[0]])
        arrays[f"{section}.labels"] = np.array(classes)
        arrays[f"{section}.phrase_labels"] = np.array(labels)
        arrays[f"{section}.coef"] = np.ascontiguousarray(weights[:len(keys)], dtype=np.float32)
        arrays[f"{section}.phrase_coef"] = np.ascontiguousarray(weights[len(keys):], dtype=np.float32)
        arrays[f"{section}.intercept"] = intercept.astype(np.float32)
    return arrays


def _fit_label(matrix, examples: Sequence[Taught], strength: np.ndarray, label: str) -> tuple[np.ndarray, np.ndarray]:
    rows = teaching(examples, label)
    return _fit(matrix[rows], np.array([label in t.labels for t in examples])[rows], strength[rows])


def teaching(examples: Sequence[Taught], label: str) -> np.ndarray:
    """Which examples teach a yes/no model of ``label``: a corpus line not labelled for it says neither."""
    return np.array([t.labelled_for is None or label in t.labelled_for for t in examples])


def _matrix(shared: Model, utterances: Sequence[Utterance], found: Sequence[Mapping[str, float]],
            labels: Sequence[str]):
    from scipy.sparse import csr_matrix, hstack

    rows = [shared.vector(utterance) for utterance in utterances]
    words = csr_matrix((np.concatenate([values for _, values in rows] or [np.zeros(0)]),
                        np.concatenate([indices for indices, _ in rows] or [np.zeros(0, dtype=np.int64)]),
                        np.cumsum([0] + [len(indices) for indices, _ in rows])),
                       shape=(len(rows), len(shared.vocabulary)))
    said = csr_matrix(np.array([[f.get(label, 0.0) for label in labels] for f in found], dtype=np.float32)
                      .reshape(len(rows), len(labels)))
    return hstack([words, said]).tocsr()


def _fit(matrix, target: np.ndarray, strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=C, solver="newton-cg", tol=1e-4, max_iter=1000, class_weight="balanced",
                                random_state=0).fit(matrix, target, sample_weight=strength)
    return fitted.coef_.astype(np.float32), fitted.intercept_.astype(np.float32)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logits))


def restricted(head: Head, logits: np.ndarray, allowed: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray]:
    """Probabilities over ``allowed`` labels only (the others are not possible here)."""
    return allowed, softmax(logits[_positions(head.labels, allowed)])


@lru_cache(maxsize=256)
def _positions(labels: tuple[str, ...], allowed: tuple[str, ...]) -> np.ndarray:
    return np.array([labels.index(label) for label in allowed], dtype=np.int64)
