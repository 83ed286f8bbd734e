"""Command-line interface: `interviewer` opens the TUI; subcommands work from the shell and scripts."""
