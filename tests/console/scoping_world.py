"""A small world for the console's region-scoping tests: the same records in two counties, and five clerks.

County A (Zhenxiong, Zhaotong, Yunnan) and county B (Wuhua, Kunming, Yunnan)
each get one row of every regional table, every region link of that row in
the county. The clerks: A's county, B's county, A's prefecture (Zhaotong,
not covering B), another province (Guangdong) and a nationwide one. They all
hold view and change on every model through one bureau-clerk group, so only
the region decides what they see.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db.models import Model, Q
from django.utils import timezone

from accounts.models import AssistanceGrant, AssistedAction, User
from dispatch.models import Passenger, PickupPoint, Stop, Trip, VehicleType
from jobs.models import Campaign, Employer, JobPosting, Site
from matching.models import MatchRun, Offer
from reference.models import MinimumWage, MinimumWageTier, Occupation, Region
from rights.models import Case, WageCheckin
from tests.accounts.factories import AgentFactory, StaffFactory, WorkerFactory, county
from tests.jobs.factories import CampaignFactory, EmployerFactory, PostingFactory, SiteFactory, occupation, uscc
from tests.matching.factories import MatchRunFactory, OfferFactory
from tests.rights.factories import case_for
from tests.training.factories import CourseFactory, EnrollmentFactory, ProviderFactory
from tests.workers.factories import WorkerProfileFactory
from training.models import Course, Enrollment, Provider
from workers.models import Cohort, UnemploymentRegistration, Worker

COUNTY_A = "530627"  # Zhenxiong, in Zhaotong prefecture
COUNTY_B = "530102"  # Wuhua, in Kunming prefecture: same province, another prefecture
PREFECTURE_A = "530600"
OTHER_PROVINCE = "440000"

# The five clerks, by the letters the brief gives them.
COUNTY_A_CLERK, COUNTY_B_CLERK, PREFECTURE_CLERK, OTHER_PROVINCE_CLERK, NATIONWIDE = "a", "b", "c", "d", "e"
PERSONAS = (COUNTY_A_CLERK, COUNTY_B_CLERK, PREFECTURE_CLERK, OTHER_PROVINCE_CLERK, NATIONWIDE)
# Who sees a row whose every region link lies in county A, and in county B.
SEES_A = {COUNTY_A_CLERK, PREFECTURE_CLERK, NATIONWIDE}
SEES_B = {COUNTY_B_CLERK, NATIONWIDE}


def made[M: Model](model: type[M], factory: Any, **fields: Any) -> M:
    """A factory's row, typed as its model (factory_boy's classes do not say what they build)."""
    row = factory(**fields)
    assert isinstance(row, model)
    return row


@dataclass
class World:
    clerks: dict[str, User]
    rows: dict[str, dict[type[Model], Model]] = field(default_factory=dict)

    def row(self, model: type[Model], code: str = COUNTY_A) -> Model:
        return self.rows[code][model]


def bureau_clerk_group() -> Group:
    """View and change on every model the console registers, nothing more."""
    group = Group.objects.create(name="bureau clerk (scoping test)")
    wanted = Q(pk__in=[])
    for model in admin.site._registry:
        opts = model._meta
        wanted |= Q(
            content_type__app_label=opts.app_label,
            codename__in=(f"view_{opts.model_name}", f"change_{opts.model_name}"),
        )
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def _clerks(group: Group) -> dict[str, User]:
    homes: dict[str, Region | None] = {
        COUNTY_A_CLERK: county(COUNTY_A),
        COUNTY_B_CLERK: county(COUNTY_B),
        PREFECTURE_CLERK: Region.objects.get(code=PREFECTURE_A),
        OTHER_PROVINCE_CLERK: county("441900").parent,
        NATIONWIDE: None,
    }
    clerks = {}
    for letter, home in homes.items():
        clerk = made(
            User,
            StaffFactory,
            username=f"clerk-{letter}",
            home_region=home,
            nationwide=letter == NATIONWIDE,
            password="",
        )
        clerk.groups.add(group)
        clerks[letter] = clerk
    return clerks


def _records(code: str, sequence: int, vehicle: VehicleType) -> dict[type[Model], Model]:
    """One row of every regional table, all of whose region links lie in county `code`."""
    region = county(code)
    now = timezone.now()
    user = made(User, WorkerFactory, username=f"worker-{code}", home_region=region)
    worker = made(Worker, WorkerProfileFactory, user=user, hukou_county=region, real_name=f"工人{code}")
    grant = AssistanceGrant.objects.create(
        actor=made(User, AgentFactory, home_region=region),
        worker=user,
        consent_method=AssistanceGrant.ConsentMethod.SIGNED_FORM,
        consent_reference="表-001",
        consent_statement="代为登记",
    )
    employer = made(
        Employer, EmployerFactory, name=f"企业{code}", region=region, uscc=uscc(900 + sequence, region=code)
    )
    site = made(Site, SiteFactory, employer=employer, county=region)
    posting = made(JobPosting, PostingFactory, employer=employer, site=site, county=region)
    campaign = made(Campaign, CampaignFactory, name=f"春风行动{code}")
    campaign.regions.add(region)
    provider = made(
        Provider, ProviderFactory, name=f"培训学校{code}", region=region, uscc=uscc(950 + sequence, region=code)
    )
    course = made(Course, CourseFactory, provider=provider, county=region)
    offer = made(
        Offer,
        OfferFactory,
        worker=worker,
        posting=posting,
        status=Offer.Status.PLACED,
        closed_at=now - timedelta(days=40),
    )
    trip = Trip.objects.create(
        site=site,
        travel_day=timezone.localdate(),
        vehicle_type=vehicle,
        status=Trip.Status.ARRIVED,
        departure_at=now,
        arrival_at=now,
        km=30,
    )
    stop = Stop.objects.create(trip=trip, order=1, county=region, place="客运站", pickup_at=now)
    Passenger.objects.create(trip=trip, stop=stop, offer=offer, seat=1, boarded_at=now, arrived_at=now)
    first_of_month = timezone.localdate().replace(day=1)
    return {
        User: user,
        AssistanceGrant: grant,
        AssistedAction: AssistedAction.objects.create(grant=grant, action="profile.update", description="改资料"),
        Worker: worker,
        UnemploymentRegistration: UnemploymentRegistration.objects.create(
            worker=worker, region=region, basis=UnemploymentRegistration.Basis.HUKOU
        ),
        Cohort: Cohort.objects.create(name=f"老乡{code}", created_by=worker),
        Employer: employer,
        JobPosting: posting,
        Campaign: campaign,
        Provider: provider,
        Course: course,
        Enrollment: made(Enrollment, EnrollmentFactory, course=course, worker=worker),
        Offer: offer,
        Trip: trip,
        PickupPoint: PickupPoint.objects.create(county=region, name="汽车站", lat=27.4, lng=104.8),
        Case: case_for(offer, sending_region=region, receiving_region=region),
        WageCheckin: WageCheckin.objects.create(
            offer=offer,
            month=(first_of_month - timedelta(days=1)).replace(day=1),
            answer=WageCheckin.Answer.PAID,
            amount_paid=5200,
            expected=5200,
        ),
    }


def _national_rows(vehicle: VehicleType, group: Group, run: MatchRun) -> dict[type[Model], Model]:
    yunnan = Region.objects.get(code="530000")
    return {
        Region: yunnan,
        Occupation: occupation(),
        MinimumWage: MinimumWage.objects.create(
            province=yunnan, tier=1, monthly_yuan=1990, effective_from="2023-10-01", source="云南省人民政府"
        ),
        MinimumWageTier: MinimumWageTier.objects.create(region=county(COUNTY_A), tier=2),
        VehicleType: vehicle,
        Group: group,
        MatchRun: run,
    }


NATIONAL = "national"


def build_world() -> World:
    """The two counties' records, a row of each national table, and the five clerks."""
    vehicle = VehicleType.objects.create(name="中型客车（33座）", seats=33, cost_per_km="5.00", speed_kmh=70)
    group = bureau_clerk_group()
    world = World(clerks=_clerks(group))
    world.rows[COUNTY_A] = _records(COUNTY_A, 1, vehicle)
    world.rows[COUNTY_B] = _records(COUNTY_B, 2, vehicle)
    world.rows[NATIONAL] = _national_rows(vehicle, group, made(MatchRun, MatchRunFactory))
    return world
