"""The deal relation model's parts, without spaCy or the encoder (vectors are zeros)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.extract.relations import (
    NONE,
    Party,
    RelationModel,
    kind_of,
    label_of,
    masked,
    regions,
    unpaired,
)
from pipeline.extract.train_relations import Examples, _gold_parties, _status, fit_model


def _party(text: str, name: str) -> Party:
    start = text.index(name)
    return Party(start, start + len(name), name)


def test_masking_replaces_both_parties_the_others_and_digits() -> None:
    text = "Acme will host 50,000 GPUs for Globex, Initech said."
    a, b = _party(text, "Acme"), _party(text, "Globex")
    other = _party(text, "Initech")
    sentence = masked(text, a, b, [(other.start, other.end, "Ⓞ")])
    assert sentence == "Ⓐ will host 00,000 GPUs for Ⓑ, Ⓞ said."
    assert regions(sentence) == ("Ⓐ", "Ⓐ will host 00,000 GPUs for Ⓑ", "Ⓑ, Ⓞ said.")
    assert unpaired(text, [a, b], []) == "Ⓞ will host 00,000 GPUs for Ⓞ, Initech said."


def test_labels_carry_the_direction_except_for_joint_ventures() -> None:
    assert kind_of(label_of("compute_lease", True)) == ("compute_lease", True)
    assert kind_of(label_of("compute_lease", False)) == ("compute_lease", False)
    assert label_of("joint_venture", False) == "joint_venture"


def test_gold_parties_are_found_longest_first_and_a_missing_one_is_an_error() -> None:
    item = {
        "id": "x",
        "text": "Amazon Web Services will rent GPUs to Amazon's rival Zeta.",
        "deals": [{"kind": "compute_lease", "provider": "Amazon Web Services", "customer": "Zeta"}],
    }
    assert [p.name for p in _gold_parties(item)] == ["Amazon Web Services", "Zeta"]
    with pytest.raises(ValueError, match="'Nobody' is not in its text"):
        _gold_parties({**item, "deals": [{**item["deals"][0], "customer": "Nobody"}]})


def test_status_of_an_item() -> None:
    assert _status({"deals": [{"status": "rumoured"}]}) == "rumoured"
    assert _status({"deals": [], "none_reason": "denial"}) == "denied"
    assert _status({"deals": [], "none_reason": "loan"}) is None


_TRAIN = [
    ("Ⓐ will host GPUs for Ⓑ.", "compute_lease>", "announced"),
    ("Ⓐ agreed to provide compute capacity to Ⓑ.", "compute_lease>", "announced"),
    ("Ⓐ signed a deal to rent GPUs from Ⓑ.", "compute_lease<", "announced"),
    ("Ⓐ is renting capacity from Ⓑ, people said.", "compute_lease<", "reported"),
    ("Ⓐ will deliver compute to Ⓑ under a deal.", "compute_lease>", "announced"),
    ("Ⓐ leased cloud capacity from Ⓑ.", "compute_lease<", "announced"),
    ("Ⓐ and Ⓑ compete for the same customers.", NONE, None),
    ("Ⓐ denied it would rent GPUs from Ⓑ.", NONE, "denied"),
    ("Ⓐ could one day rent GPUs to Ⓑ.", NONE, "hypothetical"),
    ("Ⓐ and Ⓑ both spoke at the conference.", NONE, None),
] * 3


def _model() -> RelationModel:
    statuses = [(t.replace("Ⓐ", "Ⓞ").replace("Ⓑ", "Ⓞ"), s) for t, _, s in _TRAIN if s]
    ex = Examples(
        pair_texts=[t for t, _, _ in _TRAIN],
        pair_labels=[label for _, label, _ in _TRAIN],
        pair_vectors=[np.zeros(4, np.float32)] * len(_TRAIN),
        pair_items=list(range(len(_TRAIN))),
        status_texts=[t for t, _ in statuses],
        status_labels=[s for _, s in statuses],
        status_vectors=[np.zeros(4, np.float32)] * len(statuses),
    )
    return fit_model(ex, range(len(_TRAIN)), range(len(statuses)))


def test_a_trained_model_reads_direction_from_where_the_words_stand() -> None:
    model = _model()
    text = "Kestrel will host GPUs for Northwind."
    found = model.find(text, [_party(text, "Kestrel"), _party(text, "Northwind")], [], np.zeros(4))
    assert [(r.kind, r.provider, r.customer) for r in found] == [
        ("compute_lease", "Kestrel", "Northwind")
    ]
    text = "Northwind signed a deal to rent GPUs from Kestrel."
    found = model.find(text, [_party(text, "Northwind"), _party(text, "Kestrel")], [], np.zeros(4))
    assert [(r.provider, r.customer) for r in found] == [("Kestrel", "Northwind")]
    text = "Kestrel and Northwind compete for the same customers."
    assert (
        model.find(text, [_party(text, "Kestrel"), _party(text, "Northwind")], [], np.zeros(4))
        == []
    )


def test_the_model_round_trips_through_json() -> None:
    model = _model()
    again = RelationModel.from_json(model.to_json())
    text = "Kestrel will host GPUs for Northwind."
    parties = [_party(text, "Kestrel"), _party(text, "Northwind")]
    (before,), (after,) = (
        model.find(text, parties, [], np.zeros(4)),
        again.find(text, parties, [], np.zeros(4)),
    )
    assert (after.kind, after.provider, after.customer, after.status) == (
        before.kind, before.provider, before.customer, before.status,
    )  # fmt: skip
    assert after.probability == pytest.approx(before.probability, abs=1e-4)
