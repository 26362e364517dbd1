"""`make eval`: recall and precision per kind of the screeners on tests/data/."""

from django.core.management.base import BaseCommand

from moderation import screeners
from moderation.evaluation import DATA, evaluate, load_cases, routing, triage
from moderation.screeners import wordlists

# Each set and what it has been through (tests/data/README.md tells the whole story).
SETS = (
    ("tuning set", "screening_eval_"),
    ("held-out set 1 (used to develop the danger words)", "screening_holdout_"),
    ("held-out set 2 (measured untouched, then seen)", "screening_holdout2_"),
    ("held-out set 3 (written blind, measured untouched, then seen)", "screening_holdout3_"),
    ("held-out set 4 (written blind, measured untouched, then seen)", "screening_holdout4_"),
    ("held-out set 5 (written blind, measured untouched, then trained on)", "screening_holdout5_"),
    (
        "held-out set 6 (written blind, 300 stories, measured untouched, then trained on)",
        "screening_holdout6_",
    ),
    (
        "held-out set 7 (written blind after the story-level model, measured untouched, "
        "then trained on)",
        "screening_holdout7_",
    ),
    (
        "held-out set 8 (written blind after Kazakh calm stories were worked on, measured "
        "untouched, then read and trained on)",
        "screening_holdout8_",
    ),
    (
        "held-out set 9 (written blind, measured untouched with the same model, then trained on)",
        "screening_holdout9_",
    ),
    (
        "held-out set 10 (written blind after sets 8 and 9 were trained on, measured untouched, "
        "then read and trained on)",
        "screening_holdout10_",
    ),
    (
        "held-out set 11 (written blind after set 10 was trained on, measured untouched, then "
        "read and trained on)",
        "screening_holdout11_",
    ),
    (
        "held-out set 12 (written blind after set 11 was trained on, measured untouched, then "
        "read and trained on)",
        "screening_holdout12_",
    ),
    (
        "held-out set 13 (written blind after set 12 was trained on: the measure)",
        "screening_holdout13_",
    ),
)


class Command(BaseCommand):
    help = "Recall and precision per kind of the screeners on the labelled set in tests/data/."

    def add_arguments(self, parser):
        parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")

    def handle(self, *args, verbose: bool = False, **options):
        wordlists.set_enabled(False)  # the shipped lists alone, whatever the database holds
        paths = [
            p for p in screeners.SCREENERS if not getattr(screeners.module(p), "STATEFUL", False)
        ]

        def screen(text: str, language: str):
            found = []
            for path in paths:
                found.extend(screeners.load(path)(text, language))
            return found

        sets = [(title, sorted(DATA.glob(f"{prefix}*.txt"))) for title, prefix in SETS]
        for title, files in sets:
            if files:  # load_cases([]) would read the tuning set
                self._report(title, load_cases(files), screen, verbose)

    def _report(self, title, cases, screen, verbose: bool) -> None:
        scores, notes = evaluate(cases, screen)
        out = self.stdout
        out.write(f"{title}: {len(cases)} stories\n")
        out.write(f"{'kind':<10} {'labelled':>8} {'found':>6} {'recall':>7} {'precision':>9}\n")
        for kind, score in sorted(scores.items()):
            recall = "-" if score.recall is None else f"{score.recall:.2f}"
            precision = "-" if score.precision is None else f"{score.precision:.2f}"
            out.write(
                f"{kind:<10} {score.labelled:>8} {score.found:>6} {recall:>7} {precision:>9}\n"
            )
        held = routing(cases, screen)
        recall = "-" if held.recall is None else f"{held.recall:.2f}"
        precision = "-" if held.precision is None else f"{held.precision:.2f}"
        out.write(
            f"{'held':<10} {held.labelled:>8} {held.found:>6} {recall:>7} "
            f"{precision:>9}   (stories that should be held for spam or abuse)\n"
        )
        out.write(
            f"{'stories':<10} {'danger':>8} {'urgent':>6} {'recall':>7} {'calm':>6} "
            f"{'urgent':>6} {'false':>6}   (per story: danger made urgent, calm made urgent)\n"
        )
        order = {"kk": 0, "ru": 1, "en": 2, "latin": 3, "all": 4}
        for group, row in sorted(triage(cases, screen).items(), key=lambda i: order.get(i[0], 9)):
            recall = "-" if row.recall is None else f"{row.recall:.2f}"
            false = "-" if row.false_rate is None else f"{row.false_rate:.2f}"
            out.write(
                f"{group:<10} {row.danger:>8} {row.danger_urgent:>6} {recall:>7} "
                f"{row.calm:>6} {row.calm_urgent:>6} {false:>6}\n"
            )
        if verbose:
            for kind, lines in sorted(notes.items()):
                for line in lines:
                    out.write(f"  {kind}: {line}\n")
        out.write("\n")
