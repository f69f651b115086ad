"""Exceptions of imagery: one class per error code of the C++ library.

Each subclasses ImageryError and the built-in exception a Python user would catch for it, so
``except FileNotFoundError`` works as well as ``except imagery.errors.NotFoundError``.
"""

__all__ = [
    "ImageryError",
    "InvalidArgumentError",
    "NotFoundError",
    "UnavailableError",
    "DataLossError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "IoError",
    "InternalError",
    "CancelledError",
]


class ImageryError(Exception):
    """Base class of every error the imagery library raises; ``code`` is the library's name of
    its error code (as the CLI prints it)."""

    code = "internal"


class InvalidArgumentError(ImageryError, ValueError):
    """A bad argument: bounds, sizes, mips, palette names, a malformed spec."""

    code = "invalid argument"


class NotFoundError(ImageryError, FileNotFoundError):
    """A file, URL, mip or chunk that does not exist."""

    code = "not found"


class UnavailableError(ImageryError, ConnectionError):
    """Network trouble after retries."""

    code = "unavailable"


class DataLossError(ImageryError, ValueError):
    """Corrupt or truncated data, a malformed info file."""

    code = "corrupt data"


class PermissionDeniedError(ImageryError, PermissionError):
    """HTTP 401/403 or an unreadable file."""

    code = "permission denied"


class ResourceExhaustedError(ImageryError, MemoryError):
    """A request beyond a memory or size budget (raise ``max_memory``)."""

    code = "resource exhausted"


class IoError(ImageryError, OSError):
    """A local write that failed (unwritable output, full disk)."""

    code = "i/o error"


class InternalError(ImageryError, RuntimeError):
    """A bug in imagery."""

    code = "internal error"


class CancelledError(ImageryError, RuntimeError):
    """The work was cancelled."""

    code = "cancelled"
