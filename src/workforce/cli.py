"""The `workforce` command line. Sub-command groups live in their domain packages."""
import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Workforce: records system for manufacturing plants."""
