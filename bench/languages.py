"""How well questions in other languages are told apart, and what it costs.

    .venv/bin/python -m bench.languages

English: every labelled set with its own policy (tests/data), and about 27,000 misspelt and
reworded variants of the bundled one's questions (bench/questions.py, eleven seeds); none may
be read as another language. Other languages: tests/data/languages.jsonl. Then the memory the
detector takes and its time per question.
"""

from __future__ import annotations

import json
import resource
import time
from collections import Counter
from pathlib import Path

from bench.questions import questions
from qa_service.config import DEFAULT_POLICY
from qa_service.corpus import load_policy
from qa_service.evaluation import labelled_policies

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def english_sets() -> dict[str, Path]:
    """Each labelled set of English questions, with the policy it was written for."""
    sets = {"labelled.jsonl": DEFAULT_POLICY}
    for policy, labelled in labelled_policies(DATA / "policies"):
        sets[f"policies/{labelled.name}"] = policy
    return sets


def lines(name: str) -> list[dict[str, object]]:
    """The JSON lines of a file in tests/data."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    before = _rss_mib()
    import pycld2  # the detector, measured before anything else loads it

    pycld2.detect("Vendez-vous mon adresse e-mail ?")
    print(f"detector: peak RSS +{_rss_mib() - before:.1f} MiB")
    from qa_service.language import detect, policy_language

    english = 0
    misread: list[tuple[str, str]] = []
    for name, policy_path in english_sets().items():
        known = policy_language(load_policy(policy_path))
        for case in lines(name):
            english += 1
            if (found := detect(str(case["question"]), known)) is not None:
                misread.append((str(case["question"]), found.language))
    bundled = policy_language(load_policy(DEFAULT_POLICY))
    seeds = (7, *range(20, 30))
    variants = list(dict.fromkeys(q for seed in seeds for q in questions(3000, seed=seed)))
    for question in variants:
        english += 1
        if (found := detect(question, bundled)) is not None:
            misread.append((question, found.language))
    print(f"English questions read as another language: {len(misread)} of {english} {misread[:5]}")

    found_right: Counter[str] = Counter()
    found_wrong: list[tuple[str, str, str]] = []
    asked: Counter[str] = Counter()
    left_alone = 0
    others = 0
    for case in lines("languages.jsonl"):
        question, language = str(case["question"]), str(case["language"])
        found = detect(question, bundled)
        if case["reply"]:
            asked[language] += 1
            if found is not None and found.language == language:
                found_right[language] += 1
            elif found is not None:
                found_wrong.append((question, language, found.language))
        else:
            others += 1
            left_alone += found is None
    total = sum(asked.values())
    print(f"questions in other languages recognised: {sum(found_right.values())} of {total}")
    for language in sorted(asked):
        print(f"  {language}: {found_right[language]} of {asked[language]}")
    print(f"  in the wrong language: {found_wrong}")
    print(f"languages with no reply of their own left to the engine: {left_alone} of {others}")

    start = time.perf_counter()
    for question in variants:
        detect(question, bundled)
    per = (time.perf_counter() - start) / len(variants) * 1e6
    print(f"time: {per:.0f} us a question on average (English variants)")


if __name__ == "__main__":
    main()
