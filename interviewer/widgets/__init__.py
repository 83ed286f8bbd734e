"""The app's widgets. Importing any of them routes Textual's and Rich's line wrapping through UAX #14
(`line_wrap`), so every widget, and every test harness built from them, wraps mixed Chinese/Latin text alike
whatever the import order."""

from interviewer.widgets.line_wrap import install_line_breaking

install_line_breaking()
