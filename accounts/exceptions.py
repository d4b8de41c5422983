"""Domain errors raised by accounts services, carrying a message fit for the user."""


class AccountsError(Exception):
    """A refusal the user can act on; `message` is already translated, `code` is for programs."""

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code

    def __str__(self) -> str:
        return str(self.message)


class OtpError(AccountsError):
    """A one-time code could not be sent or was not accepted."""

    default_code = "otp"


class AssistanceError(AccountsError):
    """Assisted access was refused: no permission, no consent, or the grant has ended."""

    default_code = "assistance"
