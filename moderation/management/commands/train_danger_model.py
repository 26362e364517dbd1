"""`python manage.py train_danger_model`: train the danger screener's sentence classifier.

Needs scikit-learn (a development dependency). Reads the labelled stories in tests/data/, every
set except the newest blind held-out set, which stays untouched as the measure; a sentence is
"danger" when it overlaps a labelled danger span. Chooses by cross-validation grouped by story
(never by the held-out set) the regularisation and two thresholds: from the first, a sentence
is shown to the moderator as possible danger (the best F1); from the second, it makes the story
urgent (the lowest threshold whose precision reaches the issue's target, 0.8). Then writes
moderation/screeners/data/danger_model.json.
"""

import json
import re

from django.core.management.base import BaseCommand

from moderation.evaluation import DATA, load_cases
from moderation.screeners import danger_model
from moderation.screeners.danger import SENTENCE

SETS = re.compile(r"screening_holdout(\d*)_")
SIZES = (2, 5)
URGENT_PRECISION = 0.8  # the precision target for danger


def held_out() -> str:
    """The newest blind held-out set's file prefix: never trained on, `make eval` measures it."""
    numbers = [
        int(m.group(1) or 1) for p in DATA.glob("screening_*.txt") if (m := SETS.match(p.name))
    ]
    newest = max(numbers)
    return f"screening_holdout{newest if newest > 1 else ''}_"


def training_files():
    newest = held_out()
    return [p for p in sorted(DATA.glob("screening_*.txt")) if not p.name.startswith(newest)]


def sentences(cases):
    texts, labels, groups = [], [], []
    for index, case in enumerate(cases):
        for match in SENTENCE.finditer(case.text):
            start, end = match.start(), match.end()
            texts.append(danger_model.prepare(match.group()))
            labels.append(
                any(x.kind == "danger" and x.start < end and start < x.end for x in case.labels)
            )
            groups.append(index)
    return texts, labels, groups


class Command(BaseCommand):
    help = "Train the danger screener's sentence classifier on tests/data/."

    def handle(self, *args, **options):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold

        files = training_files()
        texts, labels, groups = sentences(load_cases(files))
        y = np.array(labels)

        def fit(c, rows):
            vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=SIZES, min_df=2, sublinear_tf=True
            )
            matrix = vectorizer.fit_transform([texts[i] for i in rows])
            classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
            return vectorizer, classifier.fit(matrix, y[rows])

        best = None
        for c in (0.3, 1.0, 3.0, 10.0):
            probabilities = np.zeros(len(texts))
            for train, test in GroupKFold(5).split(texts, y, groups):
                vectorizer, classifier = fit(c, train)
                matrix = vectorizer.transform([texts[i] for i in test])
                probabilities[test] = classifier.predict_proba(matrix)[:, 1]
            for threshold in np.arange(0.3, 0.96, 0.05).round(2):
                recall, precision = _measure(probabilities >= threshold, y)
                f1 = 2 * recall * precision / max(recall + precision, 1e-9)
                if best is None or f1 > best[0]:
                    best = (f1, c, float(threshold), recall, precision, probabilities)
        f1, c, threshold, recall, precision, probabilities = best
        urgent, urgent_recall = 1.0, 0.0
        for candidate in np.arange(threshold, 0.96, 0.05).round(2):
            found, exact = _measure(probabilities >= candidate, y)
            if exact >= URGENT_PRECISION:
                urgent, urgent_recall = float(candidate), found
                break
        vectorizer, classifier = fit(c, np.arange(len(texts)))
        features = [
            [gram, round(float(idf), 6), round(float(coef), 6)]
            for gram, idf, coef in zip(
                vectorizer.get_feature_names_out(),
                vectorizer.idf_,
                classifier.coef_[0],
                strict=True,
            )
        ]
        danger_model.MODEL.write_text(
            json.dumps(
                {
                    "about": "Danger sentence classifier: logistic regression over char_wb "
                    "n-grams (TF-IDF, sublinear). Written by `manage.py train_danger_model`.",
                    "trained_on": [p.name for p in files],
                    "sentences": len(texts),
                    "danger_sentences": int(y.sum()),
                    "C": c,
                    "cross_validation": {
                        "recall": round(float(recall), 3),
                        "precision": round(float(precision), 3),
                        "urgent_recall": round(float(urgent_recall), 3),
                    },
                    "ngram_range": list(SIZES),
                    "threshold": threshold,
                    "urgent_threshold": urgent,
                    "intercept": round(float(classifier.intercept_[0]), 6),
                    "features": features,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            encoding="utf-8",
        )
        self.stdout.write(
            f"{len(texts)} sentences ({int(y.sum())} danger) from {len(files)} files; "
            f"C={c}, threshold {threshold}: cross-validated recall {recall:.2f}, "
            f"precision {precision:.2f}; urgent from {urgent} (recall {urgent_recall:.2f} at "
            f"precision >= {URGENT_PRECISION}); {len(features)} n-grams"
        )


def _measure(said, truth) -> tuple[float, float]:
    hits = (said & truth).sum()
    return float(hits / max(truth.sum(), 1)), float(hits / max(said.sum(), 1))
