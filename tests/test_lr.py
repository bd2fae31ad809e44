import itertools
import math

import pytest

from llmpar.train.lr import lr_at


def test_warmup_is_linear_then_cosine_reaches_a_tenth():
    kw = dict(lr=1.0, warmup=10, steps=110, schedule="cosine")
    assert lr_at(1, **kw) == pytest.approx(0.1)
    assert lr_at(10, **kw) == pytest.approx(1.0)
    assert lr_at(60, **kw) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 0.5)))
    assert lr_at(110, **kw) == pytest.approx(0.1)
    assert lr_at(500, **kw) == pytest.approx(0.1)
    rates = [lr_at(k, **kw) for k in range(10, 111)]
    assert all(a >= b for a, b in itertools.pairwise(rates))


def test_constant_schedule_and_no_warmup():
    assert [lr_at(k, lr=0.5, warmup=0, steps=10, schedule="constant") for k in (1, 5, 10)] == [0.5] * 3
    assert lr_at(3, lr=0.5, warmup=4, steps=10, schedule="constant") == pytest.approx(0.375)
