"""The console's side of rights protection: the case list of a clerk's region, a case's page with its moves and
messages (refusals change nothing), the wage check-ins, and the placed workers who have stopped answering."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rights.models import Case, CaseEvent, Evidence, WageCheckin
from rights.selectors import silent_placements
from rights.services.cases import NEXT
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import EmployerFactory
from tests.rights.factories import case_for, placed
from workers.models import Worker

pytestmark = pytest.mark.django_db

ZHENXIONG, NANBU, DONGGUAN = "530627", "511321", "441900"
CHANGELIST = reverse("admin:rights_case_changelist")
SILENT = reverse("admin:rights_case_silent_placements")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
Status = Case.Status


def clerk(code: str | None = ZHENXIONG, *, may_change: bool = True, **fields):
    """A staff member of the county who reads cases and check-ins and, unless told otherwise, works cases."""
    staff = StaffFactory(home_region=county(code) if code else None, **fields)
    codenames = ["view_case", "view_wagecheckin"] + (["change_case"] if may_change else [])
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="rights", codename__in=codenames))
    return staff


def case_between(sending: str, receiving: str, **fields) -> Case:
    """A wage claim of a placed worker, filed with the given sending and receiving counties."""
    return case_for(placed(), sending_region=county(sending), receiving_region=county(receiving), **fields)


def listed(client, **query) -> set[int]:
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return {case.pk for case in response.context["cl"].result_list}


def page(case: Case) -> str:
    return reverse("admin:rights_case_change", args=[case.pk])


def move(client, case: Case, to: str, **data):
    return client.post(reverse("admin:rights_case_move", args=[case.pk, to]), data)


def message(client, case: Case, **data):
    return client.post(reverse("admin:rights_case_message", args=[case.pk]), data)


# The case list -----------------------------------------------------------------------------------


def test_a_county_clerk_lists_cases_of_their_workers_and_at_employers_there_and_nothing_else(client):
    of_our_worker = case_between(ZHENXIONG, DONGGUAN)
    at_our_employer = case_between(NANBU, ZHENXIONG)
    elsewhere = case_between(NANBU, DONGGUAN)
    client.force_login(clerk(ZHENXIONG))

    assert listed(client) == {of_our_worker.pk, at_our_employer.pk}
    assert client.get(page(elsewhere)).status_code == 404
    assert client.get(page(of_our_worker)).status_code == 200


def test_a_case_elsewhere_answers_404_on_its_action_urls_too(client):
    elsewhere = case_between(NANBU, DONGGUAN)
    client.force_login(clerk(ZHENXIONG))

    assert move(client, elsewhere, Status.CLOSED, note="x").status_code == 404
    assert message(client, elsewhere, body="hello").status_code == 404
    assert not elsewhere.events.exists()


def test_nationwide_staff_list_every_case_and_staff_without_a_region_none(client):
    cases = {case_between(ZHENXIONG, DONGGUAN).pk, case_between(NANBU, DONGGUAN).pk}
    client.force_login(clerk(None, nationwide=True))
    assert listed(client) == cases

    client.force_login(clerk(None))
    assert listed(client) == set()


def test_the_side_filter_splits_our_workers_from_our_employers(client):
    of_our_worker = case_between(ZHENXIONG, DONGGUAN)
    at_our_employer = case_between(NANBU, ZHENXIONG)
    client.force_login(clerk(ZHENXIONG))

    assert listed(client, side="sending") == {of_our_worker.pk}
    assert listed(client, side="receiving") == {at_our_employer.pk}


def test_the_overdue_filter_keeps_open_cases_past_their_deadline(client):
    past, future = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    overdue = case_between(ZHENXIONG, DONGGUAN, status=Status.INVESTIGATING, stage_due=past)
    case_between(ZHENXIONG, DONGGUAN, status=Status.INVESTIGATING, stage_due=future)
    case_between(ZHENXIONG, DONGGUAN, status=Status.CLOSED, stage_due=past)
    client.force_login(clerk())

    assert listed(client, overdue="yes") == {overdue.pk}
    assert "overdue" in client.get(CHANGELIST).content.decode()


def test_the_mine_filter_keeps_the_cases_assigned_to_me(client):
    me = clerk()
    mine = case_between(ZHENXIONG, DONGGUAN, status=Status.ASSIGNED, assigned_to=me)
    case_between(ZHENXIONG, DONGGUAN, status=Status.ASSIGNED, assigned_to=clerk())
    unassigned = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(me)

    assert listed(client, handler="me") == {mine.pk}
    assert listed(client, handler="nobody") == {unassigned.pk}


def test_the_list_finds_a_case_by_number_and_by_employer_name(client):
    wanted = case_between(ZHENXIONG, DONGGUAN)
    Case.objects.filter(pk=wanted.pk).update(employer=EmployerFactory(name="虎门服装有限公司"))
    other = case_between(ZHENXIONG, DONGGUAN)
    # Factory names end in a sequence number, which a number search would also find.
    Case.objects.filter(pk=other.pk).update(employer=EmployerFactory(name="长安电子厂"))
    client.force_login(clerk())

    assert listed(client, q=f"#{wanted.pk}") == {wanted.pk}
    assert listed(client, q="虎门") == {wanted.pk}
    assert other.pk not in listed(client, q="虎门")


def test_the_list_masks_the_workers_name(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    Worker.objects.filter(pk=case.worker_id).update(real_name="张伟强")
    client.force_login(clerk())

    content = client.get(CHANGELIST).content.decode()

    assert "张**" in content
    assert "张伟强" not in content


def test_staff_without_the_view_permission_get_403(client):
    client.force_login(StaffFactory(home_region=county(ZHENXIONG)))

    assert client.get(CHANGELIST).status_code == 403


# A case's page ---------------------------------------------------------------------------------------


def test_the_case_page_shows_the_offer_sheet_every_step_with_notes_marked_and_the_evidence(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    Worker.objects.filter(pk=case.worker_id).update(real_name="张伟强")
    staff = clerk()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STATUS, status_to=Status.RECEIVED, by=case.worker.user)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.MESSAGE, body="老板说下个月发", by=case.worker.user)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, body="已电话联系厂方", by=staff)
    Evidence.objects.create(case=case, name="工资条.jpg", content_type="image/jpeg", size=2048, file="cases/x.jpg")
    client.force_login(staff)

    content = client.get(page(case)).content.decode()

    assert case.offer.posting.title in content
    assert "老板说下个月发" in content and "已电话联系厂方" in content
    assert "Staff note (only staff read it)" in content
    assert content.count("Staff note (only staff read it)") == 1
    assert "工资条.jpg" in content
    assert "张**" in content and "张伟强" not in content
    assert len(content.encode()) < 60_000


def test_the_case_page_links_each_file_to_its_download(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    item = Evidence.objects.create(case=case, name="a.pdf", content_type="application/pdf", size=10, file="cases/a.pdf")
    client.force_login(clerk())

    content = client.get(page(case)).content.decode()

    assert f'href="{reverse("rights:evidence", args=[item.pk])}"' in content


def test_the_case_page_offers_only_the_moves_the_workflow_allows(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    response = client.get(page(case))

    assert [form.to for form in response.context["moves"]] == list(NEXT[Status.RECEIVED])
    content = response.content.decode()
    assert reverse("admin:rights_case_move", args=[case.pk, Status.ASSIGNED]) in content
    assert reverse("admin:rights_case_move", args=[case.pk, Status.RECOVERED]) not in content


def test_without_change_case_the_page_has_no_forms_and_the_actions_answer_403(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk(may_change=False))

    response = client.get(page(case))
    assert response.status_code == 200
    assert response.context["moves"] == []
    assert reverse("admin:rights_case_move", args=[case.pk, Status.CLOSED]) not in response.content.decode()

    assert move(client, case, Status.CLOSED, note="重复").status_code == 403
    assert message(client, case, body="hello").status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert not case.events.exists()


# Moves -----------------------------------------------------------------------------------------------

_TODAY = timezone.localdate
# The fields each move needs, with values the service accepts.
_VALID = {
    Status.ASSIGNED: {},
    Status.INVESTIGATING: {},
    Status.MEDIATION: {"note": "双方同意调解"},
    Status.RECOVERED: {"recovery": "full", "recovered_amount": "5200", "recovered_on": "today"},
    Status.ARBITRATION: {"note": "厂方拒不支付"},
    Status.CLOSED: {"note": "已结案"},
}
_MOVES = [(start, to) for start, targets in NEXT.items() for to in targets]


def _data(to: str) -> dict[str, str]:
    data = dict(_VALID[Status(to)])
    if data.get("recovered_on") == "today":
        data["recovered_on"] = f"{_TODAY():%Y-%m-%d}"
    return data


@pytest.mark.parametrize(("start", "to"), _MOVES, ids=[f"{start}-{to}" for start, to in _MOVES])
def test_each_move_the_workflow_allows_goes_through_the_page(client, start, to):
    case = case_between(ZHENXIONG, DONGGUAN, status=start)
    client.force_login(clerk())

    response = move(client, case, to, **_data(to))

    assert response.status_code == 302
    assert response["Location"] == page(case)
    case.refresh_from_db()
    assert case.status == to
    step = case.events.get()
    assert (step.kind, step.status_from, step.status_to) == (CaseEvent.Kind.STATUS, start, to)


def test_a_move_the_workflow_does_not_allow_is_refused_and_changes_nothing(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    response = move(client, case, Status.RECOVERED, **_data(Status.RECOVERED))

    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot go to" in content and "Nothing was changed." in content
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert not case.events.exists()


def test_recovered_without_an_amount_shows_the_message_and_changes_nothing(client):
    case = case_between(ZHENXIONG, DONGGUAN, status=Status.MEDIATION)
    client.force_login(clerk())

    response = move(client, case, Status.RECOVERED, recovery="full", recovered_on=f"{_TODAY():%Y-%m-%d}")

    assert response.status_code == 200
    assert "Say whether it was recovered in full or in part, and how much." in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.recovered_amount, case.recovery) == (Status.MEDIATION, Decimal("0"), "")
    assert not case.events.exists()


def test_a_recovery_records_the_amount_and_the_day(client):
    case = case_between(ZHENXIONG, DONGGUAN, status=Status.MEDIATION)
    client.force_login(clerk())
    paid = _TODAY() - timedelta(days=2)

    move(
        client, case, Status.RECOVERED, recovery="partial", recovered_amount="3100.50", recovered_on=f"{paid:%Y-%m-%d}"
    )

    case.refresh_from_db()
    assert (case.recovery, case.recovered_amount, case.recovered_on) == ("partial", Decimal("3100.50"), paid)


def test_closing_without_a_reason_is_refused(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    response = move(client, case, Status.CLOSED, note="  ")

    assert "Say why the case is closed." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_a_case_is_assigned_to_staff_of_the_other_bureau(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    receiving_clerk = clerk(DONGGUAN)
    client.force_login(clerk(ZHENXIONG))

    move(client, case, Status.ASSIGNED, assign_to=receiving_clerk.pk)

    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (Status.ASSIGNED, receiving_clerk)


def test_a_case_cannot_be_assigned_to_staff_of_a_third_region(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    stranger = clerk(NANBU)
    client.force_login(clerk(ZHENXIONG))

    response = move(client, case, Status.ASSIGNED, assign_to=stranger.pk)

    assert response.status_code == 200 and "Nothing was changed." in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (Status.RECEIVED, None)


def test_assigning_without_choosing_takes_the_case_oneself(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    me = clerk()
    client.force_login(me)

    move(client, case, Status.ASSIGNED)

    case.refresh_from_db()
    assert case.assigned_to == me


def test_the_assign_form_offers_only_staff_who_may_work_the_case(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    here, there, stranger = clerk(ZHENXIONG), clerk(DONGGUAN), clerk(NANBU)
    province = clerk("530000")
    province.home_region = county(ZHENXIONG).parent.parent
    province.save()
    client.force_login(here)

    form = client.get(page(case)).context["moves"][0]

    offered = set(form.fields["assign_to"].queryset)
    assert {here, there, province} <= offered
    assert stranger not in offered


# Messages and notes ----------------------------------------------------------------------------------


def test_a_message_goes_on_the_case_for_the_worker_and_the_employer(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    response = message(client, case, body="请提供工资条")

    assert response.status_code == 302
    assert case.events.get().kind == CaseEvent.Kind.MESSAGE


def test_a_staff_only_note_is_a_note_not_a_message(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    message(client, case, body="厂方电话无人接听", staff_only="on")

    step = case.events.get()
    assert (step.kind, step.body) == (CaseEvent.Kind.NOTE, "厂方电话无人接听")
    assert not case.events.filter(kind=CaseEvent.Kind.MESSAGE).exists()


def test_an_empty_message_is_refused_and_nothing_is_kept(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    response = message(client, case, body="   ")

    assert response.status_code == 200
    assert "Write a message or add a file." in response.content.decode()
    assert not case.events.exists()


def test_a_message_keeps_its_files_as_evidence(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    message(client, case, body="厂方考勤表", uploads=[SimpleUploadedFile("kaoqin.png", PNG, "image/png")])

    assert list(case.evidence.values_list("name", "content_type")) == [("kaoqin.png", "image/png")]


def test_a_file_of_the_wrong_type_is_refused_with_the_message(client):
    case = case_between(ZHENXIONG, DONGGUAN)
    client.force_login(clerk())

    response = message(client, case, body="x", uploads=[SimpleUploadedFile("a.png", b"MZ not a png", "image/png")])

    assert "is not a photo" in response.content.decode()
    assert not case.events.exists() and not case.evidence.exists()


# Wage check-ins and the workers who stopped answering -------------------------------------------------

TODAY = date(2026, 11, 15)
ARRIVED = datetime(2026, 8, 20, 9, tzinfo=UTC)


def _answer(offer, month: date, answer: str = WageCheckin.Answer.PAID) -> WageCheckin:
    return WageCheckin.objects.create(offer=offer, month=month, answer=answer, expected=Decimal("5200"))


def test_silent_placements_are_those_with_neither_of_the_last_two_months_answered():
    nationwide = clerk(None, nationwide=True)
    answered_last_month = placed(arrived=ARRIVED)
    _answer(answered_last_month, date(2026, 10, 1))
    answered_the_month_before = placed(arrived=ARRIVED)
    _answer(answered_the_month_before, date(2026, 9, 1), WageCheckin.Answer.UNPAID)
    silent_since_august = placed(arrived=ARRIVED)
    _answer(silent_since_august, date(2026, 8, 1))
    never_answered = placed(arrived=ARRIVED)
    placed(arrived=datetime(2026, 10, 5, 9, tzinfo=UTC))  # one month owed so far
    moved_on = placed(arrived=ARRIVED)
    newer = placed(arrived=datetime(2026, 9, 1, 9, tzinfo=UTC), worker=moved_on.worker)
    _answer(newer, date(2026, 10, 1))

    silent = list(silent_placements(nationwide, today=TODAY))

    assert [offer.pk for offer in silent] == [silent_since_august.pk, never_answered.pk]
    assert [offer.last_answered for offer in silent] == [date(2026, 8, 1), None]


def test_silent_placements_keep_to_the_staff_members_region():
    ours = placed(arrived=ARRIVED)
    theirs = placed(arrived=ARRIVED)
    Worker.objects.filter(pk=theirs.worker_id).update(hukou_county=county(NANBU))

    assert list(silent_placements(clerk(ZHENXIONG), today=TODAY)) == [ours]
    # The receiving county sees both: their sites are in Dongguan.
    assert set(silent_placements(clerk(DONGGUAN), today=TODAY)) == {ours, theirs}
    assert not silent_placements(clerk(None), today=TODAY).exists()


def test_the_silent_placements_page_lists_masked_names_and_is_linked_from_the_case_list(client):
    offer = placed(arrived=timezone.now() - timedelta(days=100))
    Worker.objects.filter(pk=offer.worker_id).update(real_name="李小龙")
    client.force_login(clerk())

    response = client.get(SILENT)

    assert response.status_code == 200
    content = response.content.decode()
    assert "李**" in content and "李小龙" not in content
    assert offer.posting.employer.name in content
    assert SILENT in client.get(CHANGELIST).content.decode()


def test_the_silent_placements_page_needs_the_view_permission(client):
    client.force_login(StaffFactory(home_region=county(ZHENXIONG)))

    assert client.get(SILENT).status_code == 403


def test_the_check_ins_are_read_by_both_bureaus_only(client):
    checkin = _answer(placed(arrived=ARRIVED), date(2026, 10, 1))
    url = reverse("admin:rights_wagecheckin_changelist")
    detail = reverse("admin:rights_wagecheckin_change", args=[checkin.pk])

    for code, seen in ((ZHENXIONG, True), (DONGGUAN, True), (NANBU, False)):
        client.force_login(clerk(code))
        rows = {row.pk for row in client.get(url).context["cl"].result_list}
        assert (checkin.pk in rows) is seen
        assert client.get(detail).status_code == (200 if seen else 404)
