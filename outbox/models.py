import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEventQuerySet(models.QuerySet):
    def due(self, *, now, grace):
        """Unpublished events old enough that their on-commit publish has had its chance."""
        return self.filter(published_at__isnull=True, available_at__lte=now, created_at__lte=now - grace)


class OutboxEvent(models.Model):
    """Something that happened, written in the same transaction as the change it describes."""

    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True, default=uuid.uuid4)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    available_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["available_at"], name="outbox_unpublished", condition=models.Q(published_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class Consumption(models.Model):
    """Marks an event as handled by one handler; written in the handler's own transaction."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="consumptions")
    handler = models.CharField(_("handler"), max_length=200)
    consumed_at = models.DateTimeField(_("consumed at"), default=timezone.now)

    class Meta:
        verbose_name = _("consumption")
        verbose_name_plural = _("consumptions")
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="outbox_consumed_once")]

    def __str__(self) -> str:
        return f"{self.handler} ← {self.event_id}"
