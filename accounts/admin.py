"""Console pages for accounts. Phones appear masked; ciphertext and hashes never appear.

One-time codes have no page: only their hashes are stored, which tell staff nothing.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.admin_search import PrivateSearchMixin
from accounts.models import AssistanceGrant, AssistedAction, SmsMessage, User
from reference.codes import scope_prefix
from reference.forms import RegionField, RegionRefreshFormMixin
from reference.models import Region


def _phone_search(queryset: QuerySet, search_term: str, field: str = "phone_hash") -> QuerySet | None:
    """Rows whose phone equals the search term, or None when the term is not a phone."""
    try:
        phone = pii.normalize_phone(search_term)
    except forms.ValidationError:
        return None
    return queryset.filter(**{field: pii.keyed_hash(phone, purpose="phone")})


def _visible_workers(user: User | AnonymousUser) -> Q:
    """Staff see workers of their own region only, unless nationwide; other accounts are not regional."""
    if not isinstance(user, User):
        return Q(pk__in=[])
    if user.is_superuser or user.nationwide:
        return Q()
    not_worker = ~Q(role=User.Role.WORKER)
    if user.home_region_id is None:
        return not_worker | Q(pk=user.pk)
    return not_worker | Q(pk=user.pk) | Q(home_region__code__startswith=scope_prefix(user.home_region_id))


_REGIONAL_ROLES = (User.Role.WORKER, User.Role.STAFF, User.Role.AGENT)
# Employer and provider accounts take the region of the company or school they act for. These are reverse
# relations of jobs and training, named here only as lookups: accounts imports neither app.
_MEMBERSHIP_REGIONS = (
    "employer_memberships__employer__region__code",
    "provider_memberships__provider__region__code",
)


def _visible_users(user: User | AnonymousUser) -> Q:
    """The accounts a staff member may open: themselves, and the ordinary accounts of their region.

    Workers, staff and agents belong to their home region; employer and
    provider accounts to the region of their company or school. Superusers and
    nationwide accounts stay out of a regional clerk's reach, so a clerk can
    neither read them nor reset their passwords.
    """
    if not isinstance(user, User):
        return Q(pk__in=[])
    if user.is_superuser or user.nationwide:
        return Q()
    if user.home_region_id is None:
        return Q(pk=user.pk)
    prefix = scope_prefix(user.home_region_id)
    members = Q(pk__in=[])
    for lookup in _MEMBERSHIP_REGIONS:
        # A subquery, not a join: an account acting for two companies must be listed once.
        members |= Q(pk__in=User.objects.filter(**{f"{lookup}__startswith": prefix}).values("pk"))
    in_region = Q(role__in=_REGIONAL_ROLES, home_region__code__startswith=prefix) | (
        ~Q(role__in=_REGIONAL_ROLES) & members
    )
    return Q(pk=user.pk) | (Q(is_superuser=False, nationwide=False) & in_region)


def _sees_everything(user: object) -> bool:
    """Superusers and nationwide staff: the only ones who read service-wide logs."""
    return isinstance(user, User) and (user.is_superuser or user.nationwide)


class NationwideOnlyMixin:
    """A service-wide operational table (logs, queued events, kept messages): superusers and nationwide staff only.

    Its rows belong to no region, and they name people of every region, so a
    regional clerk has no page for it, whatever model permissions they hold.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _sees_everything(request.user) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request.user) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request.user) and super().has_delete_permission(request, obj)  # type: ignore[misc]


def _new_phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("New mobile number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current number. Stored encrypted; shown masked."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}),
    )


class _NewPhoneMixin:
    """Sets the phone through User.set_phone, so it is hashed and encrypted like any other."""

    cleaned_data: dict[str, Any]
    instance: User

    def clean_new_phone(self) -> str:
        raw = self.cleaned_data.get("new_phone", "").strip()
        if not raw:
            return ""
        phone = pii.normalize_phone(raw)
        others = User.objects.filter(phone_hash=pii.keyed_hash(phone, purpose="phone"))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another account already uses this number."), code="phone_taken")
        return phone

    def _apply_phone(self, user: User) -> None:
        if self.cleaned_data.get("new_phone"):
            user.set_phone(self.cleaned_data["new_phone"])


class ConsoleUserChangeForm(_NewPhoneMixin, RegionRefreshFormMixin, UserChangeForm):
    new_phone = _new_phone_field()
    home_region = RegionField(
        label=_("home region"),
        level=Region.Level.COUNTY,
        allow_shallower=True,
        required=False,
        help_text=_("Staff and agents see and act only within this region: a county, a prefecture or a province."),
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        self._apply_phone(user)
        if commit:
            user.save()
            self.save_m2m()
        return user


class ConsoleUserCreationForm(_NewPhoneMixin, AdminUserCreationForm):
    new_phone = _new_phone_field()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        self._apply_phone(user)
        if commit:
            user.save()
            self.save_m2m()
        return user


class CappedPaginator(Paginator):
    """Counts a list up to CAP rows: a page number says enough past that, and counting a million rows
    a staff member may see (joined across their region) costs seconds on every page."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        rows: QuerySet = self.object_list  # type: ignore[assignment]  # the admin pages querysets
        return rows.order_by()[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


def console_user(request: HttpRequest) -> User:
    """The staff member behind a console request (the console admits only User accounts)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class NotFoundOutsideScope:
    """A row the staff member may not see answers 404, as one that does not exist.

    Region scoping lives in each admin's get_queryset; without this, Django
    would redirect to the list with a "does not exist" message instead.
    """

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404
        return obj


# Fields that grant rights or widen a region: only a superuser sets them, so a clerk cannot promote anyone.
_PRIVILEGE_FIELDS = ("role", "is_staff", "is_superuser", "groups", "user_permissions", "nationwide", "home_region")


@admin.register(User)
class UserAdmin(PrivateSearchMixin, NotFoundOutsideScope, BaseUserAdmin):
    form = ConsoleUserChangeForm
    add_form = ConsoleUserCreationForm
    list_display = ("username", "masked_phone_display", "role", "home_region", "is_staff")
    list_filter = ("role", "is_staff", "is_active", "nationwide")
    list_select_related = ("home_region",)
    search_fields = ()
    private_search_help = _("A user name, a name, or a full mobile number.")
    readonly_fields = ("masked_phone_display", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Phone"), {"fields": ("masked_phone_display", "new_phone")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "preferred_language")}),
        (_("Role and region"), {"fields": ("role", "home_region", "nationwide")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "new_phone", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: User) -> str:
        return obj.masked_phone or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).filter(_visible_users(request.user))

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Staff accounts other than one's own are a superuser's to change: a password reset would take them over."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        return not (obj.is_superuser or obj.is_staff or obj.role == User.Role.STAFF)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is None or request.user.is_superuser:
            return fields
        return fields + _PRIVILEGE_FIELDS

    def private_search(self, queryset: QuerySet, term: str) -> QuerySet:
        by_phone = _phone_search(queryset, term)
        if by_phone is not None:
            return by_phone
        return queryset.filter(
            Q(username__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit or log table: staff may read it, nobody may edit it here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(NationwideOnlyMixin, PrivateSearchMixin, ReadOnlyAdmin):
    list_display = ("masked_phone_display", "kind", "body", "created_at")
    list_filter = ("kind",)
    fields = ("masked_phone_display", "kind", "body", "created_at")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    date_hierarchy = "created_at"
    private_search_help = _("A full mobile number, or words of the message.")

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: SmsMessage) -> str:
        return obj.masked_phone

    def private_search(self, queryset: QuerySet, term: str) -> QuerySet:
        by_phone = _phone_search(queryset, term)
        return by_phone if by_phone is not None else queryset.filter(body__icontains=term)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        notice = _(
            "Messages kept by the outbox SMS backend instead of being sent. Login codes are readable here, "
            "so use this backend only for demos and tests; a gateway backend keeps no copies."
        )
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": notice})


class DecisionAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    """Staff read these rows and decide through actions only.

    Rows are created on their owners' pages and changed by services, so there
    is no add page, the change page is read-only (the change permission only
    unlocks the actions), and nothing is deleted here.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page, never edited there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the parent's page: whoever may view the parent reads these rows, no separate permission.
        opts = self.parent_model._meta
        return any(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("view", "change")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssistedActionInline(ReadOnlyInline):
    model = AssistedAction
    fields = ("created_at", "action", "description", "target_type", "target_id")
    readonly_fields = fields


@admin.register(AssistanceGrant)
class AssistanceGrantAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("started_at", "actor", "worker", "consent_method", "consent_reference", "ended_at")
    list_filter = ("consent_method", "started_at")
    list_select_related = ("actor", "worker")
    fields = (
        "actor",
        "worker",
        "consent_method",
        "consent_reference",
        "consent_statement",
        "started_at",
        "ended_at",
    )
    readonly_fields = fields
    inlines = (AssistedActionInline,)
    date_hierarchy = "started_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssistanceGrant]:
        visible = User.objects.filter(_visible_workers(request.user))
        return super().get_queryset(request).filter(worker__in=visible)


@admin.register(AssistedAction)
class AssistedActionAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("created_at", "grant", "action", "description", "target_type", "target_id")
    list_filter = ("action",)
    list_select_related = ("grant__actor", "grant__worker")
    fields = ("grant", "action", "description", "target_type", "target_id", "created_at")
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssistedAction]:
        visible = User.objects.filter(_visible_workers(request.user))
        return super().get_queryset(request).filter(grant__worker__in=visible)


# Tables other packages register ------------------------------------------------------------------
# Sign-in attempts name people of every region: re-registered nationwide-only. Groups grant rights: read-only
# but for superusers. (The audit log's page is
# console.admin's ChangeHistoryAdmin, restricted the same way there.)


def _restrict(model: type[Any], stock: type[admin.ModelAdmin]) -> None:
    if not admin.site.is_registered(model):
        return
    admin.site.unregister(model)
    restricted = type(f"NationwideOnly{stock.__name__}", (NationwideOnlyMixin, stock), {"__module__": __name__})
    admin.site.register(model, restricted)


class ConsoleGroupAdmin(GroupAdmin):
    """Staff read the permission groups; only a superuser changes one, or a clerk could grant themselves anything."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


def _restrict_other_packages() -> None:
    from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    _restrict(AccessAttempt, AccessAttemptAdmin)
    _restrict(AccessLog, AccessLogAdmin)
    _restrict(AccessFailureLog, AccessFailureLogAdmin)
    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    admin.site.register(Group, ConsoleGroupAdmin)


_restrict_other_packages()
