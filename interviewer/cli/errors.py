"""One error path for every command: a problem the user can fix is one line on stderr and exit code 1.

The root command group catches settings, storage and input errors that commands do not handle themselves,
so no command prints a traceback for a broken config file, an unusable database or a hostile input file.
Messages never carry a URL's password (`redact_text`) nor a setting's value (`SettingsError` omits it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
import typer
from typer.core import TyperGroup

from interviewer.i18n import _

if TYPE_CHECKING:
    from typer._click.core import Context  # the Context TyperGroup.invoke is typed with


def error_line(exc: BaseException) -> str | None:
    """The one-line message for an error the user can fix, or None for a bug (left to propagate)."""
    from sqlalchemy.exc import SQLAlchemyError

    from interviewer.config_errors import SettingsError
    from interviewer.db.engine import redact_text
    from interviewer.db.repository import first_line
    from interviewer.db.store import StorageError

    if isinstance(exc, SettingsError | StorageError):
        text = str(exc)
    elif isinstance(exc, SQLAlchemyError):
        text = _("database error: {reason}").format(reason=first_line(exc))
    elif isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        if exc.filename:
            text = _("cannot access {path}: {reason}").format(path=exc.filename, reason=reason)
        else:
            text = _("cannot access: {reason}").format(reason=reason)
    elif isinstance(exc, RecursionError):
        text = _("input nested too deeply")
    elif isinstance(exc, MemoryError):
        text = _("out of memory (input too large)")
    else:
        return None
    return redact_text(" ".join(text.split()) or type(exc).__name__)


class ErrorLineGroup(TyperGroup):
    """The root group: turns user-fixable errors from any sub-command into `error: ...`, exit 1."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            line = error_line(exc)
            if line is None:
                raise
            typer.echo(f"error: {line}", err=True)
            raise typer.Exit(1) from None
