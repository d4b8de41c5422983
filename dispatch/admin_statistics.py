"""The console's transport statistics page, added to the trip board's URLs."""


class TransportStatisticsMixin:
    pass
