"""Reference values for the SQuAD v1.1 metric test (evalMetricsSquad.test.ts).

The algorithm of the official SQuAD v1.1 evaluation script (evaluate-v1.1.py, published with
https://rajpurkar.github.io/SQuAD-explorer/), written out here in Python 3 so the TypeScript port is
checked against Python's own string semantics. Reads JSON [{"prediction": str, "golds": [str]}] on
stdin, writes {"perExample": [{"exactMatch": 0|1, "f1": float}], "exactMatch": pct, "f1": pct}.
"""
import json
import re
import string
import sys
from collections import Counter


def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r'\b(a|an|the)\b', ' ', text)

    def white_space_fix(text):
        return ' '.join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def main():
    examples = json.load(sys.stdin)
    per = []
    for ex in examples:
        per.append({
            'exactMatch': max(int(exact_match_score(ex['prediction'], g)) for g in ex['golds']),
            'f1': max(f1_score(ex['prediction'], g) for g in ex['golds']),
            'normalized': normalize_answer(ex['prediction']),
        })
    n = len(per)
    json.dump({
        'perExample': per,
        'exactMatch': 100.0 * sum(p['exactMatch'] for p in per) / n,
        'f1': 100.0 * sum(p['f1'] for p in per) / n,
    }, sys.stdout)


main()
