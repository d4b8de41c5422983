"""The worker's side of rights: the home card's wage question, the claim it pre-fills, other cases, my cases."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts import services as accounts_services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistedAction
from matching.models import Offer
from rights import services
from rights.models import Case, CaseEvent, Evidence, WageCheckin
from rights.services.checkins import previous_month
from tests.accounts.factories import AgentFactory, StaffFactory, county
from tests.rights.factories import case_for, placed
from tests.rights.test_evidence import PDF, PNG, pdf, png
from tests.test_page_weight import BUDGET, page_weight
from tests.workers.factories import WorkerProfileFactory

pytestmark = pytest.mark.django_db

HOME = reverse("workers:dashboard")
CHECKIN = reverse("rights:checkin")
MY_CASES = reverse("rights:my_cases")
CASE_NEW = reverse("rights:case_new")


@pytest.fixture
def offer(client) -> Offer:
    offer = placed()
    client.force_login(offer.worker.user)
    return offer


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def last_month():
    return previous_month(timezone.localdate())


def question(offer: Offer) -> str:
    month = date_format(last_month(), "YEAR_MONTH_FORMAT")
    return f"Were you paid in full for {month} at {offer.posting.employer.name}?"


def answer(client: Client, offer: Offer, value: str, amount: str = "", follow: bool = False):
    data = {"offer": offer.pk, "month": last_month().isoformat(), "answer": value, "amount_paid": amount}
    return client.post(CHECKIN, data, follow=follow)


def claim_url(offer: Offer) -> str:
    return reverse("rights:claim_new", args=[offer.pk])


def seen(client: Client, offer: Offer) -> str:
    """The months-and-amount token the claim page hands to its form."""
    page = text(client.get(claim_url(offer)))
    return page.split('name="seen" value="', 1)[1].split('"', 1)[0]


def confirm(client: Client, offer: Offer, files: list | None = None, **data):
    values = {"description": "十月工资没有发", "seen": seen(client, offer)} | data
    if files is not None:
        values["evidence"] = files
    return client.post(claim_url(offer), values)


# The home card --------------------------------------------------------------------------


def test_the_card_asks_a_placed_worker_about_last_month(client, offer):
    page = text(client.get(HOME))

    assert question(offer) in page
    assert f'action="{CHECKIN}"' in page
    assert f'href="{CASE_NEW}"' in page


def test_a_worker_who_was_never_placed_is_not_asked(client):
    worker = WorkerProfileFactory()
    client.force_login(worker.user)

    page = text(client.get(HOME))

    assert "Were you paid in full" not in page
    assert f'action="{CHECKIN}"' not in page


def test_paid_in_full_thanks_the_worker_and_the_question_goes_away(client, offer):
    response = answer(client, offer, "paid", follow=True)

    page = text(response)
    assert response.redirect_chain == [(HOME, 302)]
    assert "Thank you." in page
    assert question(offer) not in page
    assert WageCheckin.objects.get(offer=offer).answer == "paid"


def test_the_card_lists_open_cases_with_their_stage(client, offer):
    case = case_for(offer)

    page = text(client.get(HOME))

    assert f'href="{reverse("rights:my_case", args=[case.pk])}"' in page
    assert "Received" in page
    assert "takes it within 3 days" in page


# Check-in → pre-filled claim → case ---------------------------------------------------


def test_not_paid_leads_to_the_claim_filled_in_from_the_check_ins(client, offer):
    response = answer(client, offer, "unpaid")

    assert response.status_code == 302
    assert response["Location"] == claim_url(offer)
    page = text(client.get(claim_url(offer)))
    assert date_format(last_month(), "YEAR_MONTH_FORMAT") in page
    assert "5200 yuan" in page or "5200.00 yuan" in page
    assert offer.posting.employer.name in page
    assert 'accept="image/jpeg,image/png,application/pdf"' in page
    assert "multiple" in page


def test_confirming_the_claim_files_one_case_with_the_months_and_amount(client, offer):
    answer(client, offer, "unpaid")
    token = seen(client, offer)

    response = client.post(claim_url(offer), {"description": "十月工资没有发", "seen": token})

    case = Case.objects.get()
    assert response["Location"] == reverse("rights:my_case", args=[case.pk])
    assert (case.kind, case.status, case.offer) == ("wages", "received", offer)
    assert case.period_start == case.period_end == last_month()
    assert case.amount_claimed == Decimal("5200")
    assert case.filed_by == offer.worker.user


def test_a_part_payment_claims_only_the_shortfall(client, offer):
    response = answer(client, offer, "part", amount="3,000元")

    assert response["Location"] == claim_url(offer)
    confirm(client, offer)
    assert Case.objects.get().amount_claimed == Decimal("2200")


def test_a_part_payment_above_the_offer_sheet_is_refused_and_nothing_is_stored(client, offer):
    response = answer(client, offer, "part", amount="6000")

    page = text(response)
    assert "That is the whole monthly pay on your offer sheet (5200 yuan)" in page
    assert 'value="6000"' in page
    assert not WageCheckin.objects.exists()


def test_the_claim_is_not_sent_when_the_amount_changed_since_the_page_was_shown(client, offer):
    answer(client, offer, "unpaid")
    stale = seen(client, offer)
    WageCheckin.objects.update(answer="part", amount_paid=Decimal("5000"))

    page = text(client.post(claim_url(offer), {"description": "没发工资", "seen": stale}))

    assert "changed since you opened the page" in page
    assert "没发工资" in page
    assert not Case.objects.exists()


def test_a_claim_on_another_workers_placement_is_a_404(client, offer):
    other = placed()

    assert client.get(claim_url(other)).status_code == 404


def test_once_claimed_the_months_are_not_offered_again(client, offer):
    answer(client, offer, "unpaid")
    confirm(client, offer)

    page = text(client.get(claim_url(offer)))

    assert "There are no unpaid months to claim" in page


# Uploads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files", [[png()], [pdf()], [png("slip.png"), pdf("contract.pdf")]], ids=["png", "pdf", "both"]
)
def test_real_photos_and_pdfs_are_kept_with_the_claim(client, offer, files):
    answer(client, offer, "unpaid")

    confirm(client, offer, files=files)

    case = Case.objects.get()
    kept = list(case.evidence.order_by("pk"))
    assert [item.name for item in kept] == [upload.name for upload in files]
    for item in kept:
        assert item.file.read() in (PNG, PDF)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("slip.jpg", b"These are my hours for October.", content_type="image/jpeg"),
            "“slip.jpg” is not a photo (JPEG, PNG) or a PDF.",
        ),
        (
            SimpleUploadedFile("slip.php.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, content_type="image/jpeg"),
            "Give the file a simple name with one extension",
        ),
    ],
    ids=["text-renamed-jpg", "double-extension"],
)
def test_bad_files_are_refused_next_to_the_field_and_nothing_is_filed(client, offer, upload, message):
    answer(client, offer, "unpaid")

    page = text(confirm(client, offer, files=[upload], description="老板不发工资"))

    assert message in page
    assert "老板不发工资" in page
    assert "choose the files again" in page
    assert not Case.objects.exists()
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused_and_nothing_is_filed(client, offer, settings):
    settings.EVIDENCE_MAX_BYTES = 40
    answer(client, offer, "unpaid")

    page = text(confirm(client, offer, files=[png()]))

    assert "“pay-slip.png” is too large" in page
    assert not Case.objects.exists()
    assert not Evidence.objects.exists()


# Other cases ----------------------------------------------------------------------------


def test_a_dispute_is_filed_against_an_employer_of_a_placement(client, offer):
    response = client.post(
        CASE_NEW,
        {"offer": offer.pk, "kind": "dismissal", "description": "没有理由就让我走了", "evidence": [pdf()]},
    )

    case = Case.objects.get()
    assert response["Location"] == reverse("rights:my_case", args=[case.pk])
    assert (case.kind, case.employer, case.offer, case.amount_claimed) == (
        "dismissal",
        offer.posting.employer,
        offer,
        Decimal("0"),
    )
    assert case.receiving_region == offer.posting.site.county
    assert case.evidence.count() == 1


def test_a_wage_case_without_the_amount_shows_the_error_by_the_field_and_keeps_the_words(client, offer):
    month = last_month().strftime("%Y-%m")

    page = text(
        client.post(
            CASE_NEW, {"offer": offer.pk, "kind": "wages", "period_start": month, "description": "九月没发工资"}
        )
    )

    assert "Say how much you are owed, in yuan." in page
    assert page.index("Say how much you are owed") > page.index('name="period_end"')
    assert "九月没发工资" in page
    assert f'value="{month}" selected' in page
    assert not Case.objects.exists()


def test_only_the_workers_own_placements_can_be_chosen(client, offer):
    other = placed()

    page = text(client.get(CASE_NEW))
    response = client.post(CASE_NEW, {"offer": other.pk, "kind": "contract", "description": "合同不对"})

    assert f'value="{offer.pk}"' in page
    assert f'value="{other.pk}"' not in page
    assert "Choose the employer the case is about." in text(response)
    assert not Case.objects.exists()


def test_a_worker_without_placements_is_told_when_they_can_report(client):
    worker = WorkerProfileFactory()
    client.force_login(worker.user)

    page = text(client.get(CASE_NEW))

    assert "once you have started a job through Chunfeng" in page
    assert "12333" in page


# My cases -------------------------------------------------------------------------------


def test_my_cases_has_an_empty_state(client, offer):
    page = text(client.get(MY_CASES))

    assert "No cases yet." in page


def test_my_cases_lists_only_my_cases(client, offer):
    mine = case_for(offer)
    theirs = case_for(placed())

    page = text(client.get(MY_CASES))

    assert f'href="{reverse("rights:my_case", args=[mine.pk])}"' in page
    assert f'href="{reverse("rights:my_case", args=[theirs.pk])}"' not in page


def test_my_case_shows_the_stage_deadline_steps_and_evidence_but_not_staff_notes(client, offer):
    case = case_for(offer, stage_due=timezone.now() + timezone.timedelta(days=3))
    CaseEvent.objects.create(case=case, kind="status", status_to="received")
    CaseEvent.objects.create(case=case, kind="message", body="请提供工资条")
    CaseEvent.objects.create(case=case, kind="note", body="内部：老板有前科")
    slip = services.evidence_add(case=case, uploads=[png()], by=offer.worker.user)[0]

    page = text(client.get(reverse("rights:my_case", args=[case.pk])))

    assert "takes it within 3 days" in page
    assert "The bureau aims to finish this step by" in page
    assert "请提供工资条" in page
    assert "老板有前科" not in page
    assert f'href="{reverse("rights:evidence", args=[slip.pk])}"' in page


def test_another_workers_case_is_a_404(client, offer):
    theirs = case_for(placed())

    assert client.get(reverse("rights:my_case", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("rights:my_case", args=[theirs.pk]), {"body": "hi"}).status_code == 404
    assert not theirs.events.exists()


def test_a_message_with_a_file_is_added_to_the_case(client, offer):
    case = case_for(offer)
    url = reverse("rights:my_case", args=[case.pk])

    response = client.post(url, {"body": "工资条在这里", "evidence": [png()]})

    assert response["Location"] == url
    event = case.events.get(kind="message")
    assert (event.body, event.by) == ("工资条在这里", offer.worker.user)
    assert case.evidence.count() == 1


def test_an_empty_message_is_refused(client, offer):
    case = case_for(offer)

    page = text(client.post(reverse("rights:my_case", args=[case.pk]), {"body": "  "}))

    assert "Write a message or add a file." in page
    assert not case.events.exists()


def test_the_worker_pages_stay_under_the_page_budget(client, offer):
    case = case_for(offer)
    answer(client, offer, "unpaid")
    for url in [HOME, MY_CASES, CASE_NEW, claim_url(offer), reverse("rights:my_case", args=[case.pk])]:
        total, sizes = page_weight(client, url)
        assert total < BUDGET, sizes


# Acting for a worker ----------------------------------------------------------------------


def test_an_agent_under_a_grant_files_the_claim_and_it_is_recorded(client):
    offer = placed()
    agent = AgentFactory(home_region=county("530627"))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=offer.worker.user.phone, consent_method="signed_form", form_reference="F-2026-009"
    )
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()

    assert question(offer) in text(client.get(HOME))
    answer(client, offer, "unpaid")
    confirm(client, offer)

    case = Case.objects.get()
    assert (case.worker, case.filed_by) == (offer.worker, agent)
    recorded = AssistedAction.objects.filter(grant=grant).values_list("action", "target_id")
    assert ("rights.case_file", str(case.pk)) in set(recorded)
    assert ("rights.checkin", str(WageCheckin.objects.get().pk)) in set(recorded)


def test_staff_without_a_grant_cannot_use_the_worker_pages(client):
    offer = placed()
    client.force_login(StaffFactory(home_region=county("530627")))

    assert client.get(claim_url(offer)).status_code == 403
    assert client.get(MY_CASES).status_code == 403
