"""The fairness report of a run: who was matched, and for what pay, by home county, gender, age band and priority.

Computed once, at the end of a full run, from the arrays the run worked on,
and kept on the MatchRun so the console shows the run as it was.
"""

from collections import defaultdict
from datetime import date

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from workers.identity import age_on
from workers.models import Worker

DIMENSIONS = {
    "county": _("Home county"),
    "gender": _("Gender"),
    "age": _("Age band"),
    "priority": _("Registered poor labourer"),
}
AGE_BANDS = ((16, 24), (25, 34), (35, 44), (45, 54), (55, 200))


def age_band(age: int | None) -> str:
    if age is None:
        return "?"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return "?"


def fairness_rows(
    *, workers: QuerySet[Worker], worker_ids: np.ndarray, matched_net: np.ndarray, today: date
) -> list[dict]:
    """One row per (dimension, group): workers considered, matched, match rate and mean net pay of the matched.

    `matched_net` holds, per considered worker (in `worker_ids` order), the net
    monthly pay of the posting they were matched to, or -1.
    """
    facts = {
        pk: (county, name, gender, birth, poor)
        for pk, county, name, gender, birth, poor in workers.values_list(
            "pk", "hukou_county_id", "hukou_county__name_zh", "gender", "birth_date", "poor_labourer"
        )
    }
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for worker_id, net in zip(worker_ids.tolist(), matched_net.tolist(), strict=True):
        fact = facts.get(worker_id)
        if fact is None:
            continue
        county, name, gender, birth, poor = fact
        groups = {
            "county": f"{county} {name}",
            "gender": gender or "?",
            "age": age_band(age_on(birth, today) if birth else None),
            "priority": "yes" if poor == Worker.PoorLabourer.VERIFIED else "no",
        }
        for dimension, group in groups.items():
            row = totals[(dimension, group)]
            row[0] += 1
            if net >= 0:
                row[1] += 1
                row[2] += net
    order = list(DIMENSIONS)
    return [
        {
            "dimension": dimension,
            "group": group,
            "considered": int(considered),
            "matched": int(matched),
            "match_rate": round(matched / considered, 4) if considered else None,
            "mean_net_pay": round(net_sum / matched) if matched else None,
        }
        for (dimension, group), (considered, matched, net_sum) in sorted(
            totals.items(), key=lambda item: (order.index(item[0][0]), item[0][1])
        )
    ]
