from django.db import models


class OfferQuerySet(models.QuerySet):
    def live(self):
        """Offers the worker is still bound by: proposed, accepted or confirmed."""
        return self.filter(status__in=["proposed", "accepted", "confirmed"])

    def seated(self):
        """Offers that hold a seat: the live ones and placements."""
        return self.filter(status__in=["proposed", "accepted", "confirmed", "placed"])

    def answered(self):
        """Live offers the worker has said yes to: a full run leaves them and their workers alone."""
        return self.filter(status__in=["accepted", "confirmed"])

    def of_group(self, group):
        return self.filter(group=group)
