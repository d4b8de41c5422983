"""Training factories: verified providers with valid credit codes, members, published courses, sessions, enrolments."""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from tests.accounts.factories import UserFactory, county
from tests.jobs.factories import occupation, uscc
from tests.workers.factories import WorkerProfileFactory
from training import services
from training.models import Course, Enrollment, Provider, ProviderMember, Session

YIDU = "420581"


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"宜都市职业技术学校{n}")
    kind = Provider.Kind.SCHOOL
    # Sequences from 500 keep clear of the employer factory's codes.
    uscc = factory.Sequence(lambda n: uscc(n + 500, region=YIDU))
    region = factory.LazyFunction(lambda: county(YIDU))
    address = "湖北省宜都市陆城街道园林大道1号"
    contact_name = "王老师"
    verification = Provider.Verification.VERIFIED

    @factory.post_generation
    def contact_phone(obj: Provider, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.contact_phone_encrypted = extracted or "13900139003"
        if create:
            obj.save()


class ProviderMemberFactory(DjangoModelFactory):
    class Meta:
        model = ProviderMember

    provider = factory.SubFactory(ProviderFactory)
    user = factory.SubFactory(UserFactory, role=User.Role.PROVIDER)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    provider = factory.SubFactory(ProviderFactory)
    title = "电子产品装配工培训班"
    type = Course.Type.UPGRADE
    occupation = factory.LazyFunction(occupation)
    certificate_level = 5
    format = Course.Format.IN_PERSON
    county = factory.LazyFunction(lambda: county(YIDU))
    venue = "实训楼三楼"
    hours = 40
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda course: course.starts_on + timedelta(days=10))
    capacity = 20
    fee = 1200
    subsidy = 1200
    status = Course.Status.PUBLISHED


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyAttribute(
        lambda session: timezone.make_aware(datetime.combine(session.course.starts_on, time(9)))
    )
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=3))
    topic = "安全操作规程"


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    worker = factory.SubFactory(WorkerProfileFactory)
    status = Enrollment.Status.ENROLLED
    created_at = factory.LazyFunction(timezone.now)
    enrolled_at = factory.LazyAttribute(
        lambda enrollment: enrollment.created_at if enrollment.status != Enrollment.Status.WAITLISTED else None
    )


def provider_member(*, verified: bool = True, code: str = "530627") -> ProviderMember:
    provider = services.provider_register(
        user=UserFactory(role=User.Role.PROVIDER),
        name="镇雄县职业技术学校",
        kind=Provider.Kind.SCHOOL,
        uscc=uscc(Provider.objects.count() + 1, region=code),
        region=county(code),
        address="镇雄县乌峰街道",
        contact_name="王老师",
        contact_phone="13700137001",
    )
    if verified:
        Provider.objects.filter(pk=provider.pk).update(verification=Provider.Verification.VERIFIED)
    return ProviderMember.objects.select_related("provider").get(provider=provider)


def course_of(member: ProviderMember, *, capacity: int = 2, trade: str = "electronics_assembler", **fields) -> Course:
    data = {
        "title": "电子装配工培训",
        "type": Course.Type.TARGETED,
        "occupation": occupation(trade),
        "certificate_level": 5,
        "format": Course.Format.IN_PERSON,
        "county": county("530627"),
        "hours": 40,
        "starts_on": timezone.localdate() + timedelta(days=3),
        "ends_on": timezone.localdate() + timedelta(days=10),
        "capacity": capacity,
        "fee": 800,
        "subsidy": 800,
    } | fields
    course = services.course_save(member=member, course=None, data=data)
    return services.course_publish(member=member, course=course)
