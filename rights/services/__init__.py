"""Rights protection's writes: wage check-ins, cases and their evidence, and employer standing."""

from rights.services.cases import case_file, case_message, case_move, case_party, evidence_visible, may_work
from rights.services.checkins import checkin_answer, checkin_due, claim_draft
from rights.services.evidence import evidence_add, evidence_check
from rights.services.standing import employer_standing_compute, employer_standing_refresh

__all__ = [
    "case_file",
    "case_message",
    "case_move",
    "case_party",
    "checkin_answer",
    "checkin_due",
    "claim_draft",
    "employer_standing_compute",
    "employer_standing_refresh",
    "evidence_add",
    "evidence_check",
    "evidence_visible",
    "may_work",
]
