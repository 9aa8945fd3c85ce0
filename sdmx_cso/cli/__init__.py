"""The ``sdmx-cso`` command line: a thin layer over the public API.

Exit codes: 0 valid / done, 1 invalid data, 2 usage error, 3 could not process (an
unreadable file, …). No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

import click
import pyarrow

from sdmx_cso import __version__
from sdmx_cso.cli._app import Context, run
from sdmx_cso.cli.codelists import codelists
from sdmx_cso.cli.compare import compare
from sdmx_cso.cli.convert import convert
from sdmx_cso.cli.examples import examples
from sdmx_cso.cli.importing import import_
from sdmx_cso.cli.project import project
from sdmx_cso.cli.protect import protect
from sdmx_cso.cli.read import read
from sdmx_cso.cli.register import register
from sdmx_cso.cli.schema import schema
from sdmx_cso.cli.structures import structures
from sdmx_cso.cli.template import template
from sdmx_cso.cli.validate import validate
from sdmx_cso.cli.xsd import xsd

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="sdmx-cso")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Validate civil-society data submissions and convert them to SDMX.

    A submission is a data table (CSV or XLSX, one column per concept ID) plus a metadata
    file (YAML or JSON), or a folder or zip holding data.csv and metadata.yaml.
    """
    ctx.obj = Context(debug=debug)


cli.add_command(codelists)
cli.add_command(compare)
cli.add_command(convert)
cli.add_command(examples)
cli.add_command(import_)
cli.add_command(project)
cli.add_command(protect)
cli.add_command(read)
cli.add_command(register)
cli.add_command(schema)
cli.add_command(structures)
cli.add_command(template)
cli.add_command(validate)
cli.add_command(xsd)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Called without ``argv``, as the installed ``sdmx-cso`` command in a process of its own,
    it changes that process for speed and memory: Arrow's jemalloc pool (`_memory_pool`),
    no pandas for ``convert`` and ``validate`` (`_skip_pandas`), and an exit by
    ``os._exit``. These are process-wide, so they are done here only, never by the library
    and never when ``main`` is called with arguments from another program (tests,
    notebooks); ``tests/pipeline/test_no_process_side_effects.py`` keeps it so. See the
    Performance page ("Memory").
    """
    if argv is None:  # the installed command, in a process of its own
        _memory_pool()
        _skip_pandas(sys.argv[1:])
    code = run(cli, argv)
    if argv is None:
        # Every output is written and closed; leave without the interpreter's teardown,
        # where native threads left running can abort the process (SIGABRT), turning exit
        # code 3 into -6. The one case seen (Arrow's threaded CSV reader failing on a 50 MB
        # row) is removed at its cause (io/_fast_csv.py); this guards against others.
        # Process-wide: only for the command in a process of its own.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


#: Commands that never use pandas (sdmx1, which does, is only used to write structures and
#: to read others' SDMX).
_WITHOUT_PANDAS = frozenset({"convert", "validate"})


def _skip_pandas(args: list[str]) -> None:
    """Keep pyarrow from importing pandas in ``convert`` and ``validate``.

    pyarrow imports pandas on its first array made from Python objects, only to ask whether
    they are pandas objects: half a second and 30 MB of a conversion that never gives it
    any. Marking pandas absent for this process's command avoids it. Only done for the
    installed command (a process of its own), never when `main` is called with arguments:
    the finder it puts on ``sys.meta_path`` is process-wide.
    """
    command = next((a for a in args if not a.startswith("-")), None)
    if command in _WITHOUT_PANDAS and "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import finder for which pandas is not installed."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError(f"{fullname} is not used by this command", name=fullname)


def _memory_pool() -> None:
    """Use Arrow's jemalloc pool, returning freed memory at once, unless told otherwise.

    Arrow's default pool (mimalloc) keeps what a batch freed for later batches, so a long
    conversion's resident memory stays at its peak (about 200 MB more at a million
    observations; see the Performance page). ``ARROW_DEFAULT_MEMORY_POOL`` still decides
    when it is set; platforms without jemalloc keep the default. Process-wide (every
    Arrow allocation of the process uses the pool): only for the command in a process of
    its own.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pool = pyarrow.jemalloc_memory_pool()
        pyarrow.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # pragma: no cover - wheels without jemalloc (Windows)
        return
    pyarrow.set_memory_pool(pool)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
