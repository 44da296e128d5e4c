"""The project's one exception hierarchy: pure code raises these, edges turn them into messages."""

from __future__ import annotations


class HrvRelaxError(Exception):
    """Root of every error hrv-relax raises on purpose; its message is meant for a person."""


class InvalidInputError(HrvRelaxError, ValueError):
    """Input a person or a file gave that cannot be used as given (not a storage failure)."""


class MalformedMeasurement(InvalidInputError):  # noqa: N818 - public contract name
    """A Heart Rate Measurement (0x2A37) frame that does not follow the GATT specification."""


class AnalysisError(InvalidInputError):
    """Input the analysis cannot interpret, such as RR and time arrays of different lengths."""


class FormatError(InvalidInputError):
    """A file that cannot be read as an RR recording; the message says where and why."""


class AmbiguousClientError(InvalidInputError):
    """A client name several clients share; the message lists their numbers (`#N`)."""


class ConfigurationError(HrvRelaxError):
    """A setting (database location, port, flag) that cannot be used as given."""


class StoreError(HrvRelaxError):
    """The database could not be opened, migrated, read or written."""


class NotFoundError(StoreError, LookupError):
    """A session, client or other record that does not exist (or is not visible to the caller)."""


class SessionStateError(HrvRelaxError):
    """An action that does not fit the session's state, e.g. a marker on a finished session."""


class StoreUnavailableError(StoreError):
    """The database could not be reached for now (network, server restart): retry later."""


class StrapInUseError(SessionStateError):
    """A strap that another recorder is recording from right now."""


class AccessDeniedError(HrvRelaxError):
    """An action the user's role does not allow (e.g. a client changing a session).

    Reading someone else's data never raises this: it raises NotFoundError, exactly as for a
    record that does not exist, so a denial reveals nothing.
    """


class LoginError(HrvRelaxError):
    """A login that did not succeed; the message never says whether the user name exists."""
