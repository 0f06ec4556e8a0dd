"""The `neocloud` command line: each command parses options and calls one library function."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.errors import NeocloudError
from pipeline.settings import DB_ENV, DEFAULT_DB

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=DB_ENV,
        default=DEFAULT_DB,
        show_default=True,
        help=f"DuckDB store to use (or set ${DB_ENV}).",
    )(func)


def format_option(help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(["table", "csv", "json"]),
            default="table",
            show_default=True,
            help=help_text,
        )(func)

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="neocloud")
def cli() -> None:
    """neocloud: facts about AI-compute deals from English and Chinese news, in DuckDB."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the per-document stages, one core each (default: one per core, "
    "fewer when there are only a few files).",
)
@db_option
def ingest(paths: tuple[Path, ...], workers: int | None, db: Path) -> None:
    """Read files and folders (.txt .md .html .json .jsonl) into the store.

    Unchanged files are skipped; a changed file replaces what it stored before.
    A file that cannot be read is reported and the others still go in; the exit
    status is 1 when any failed.
    """
    from rich.progress import Progress

    from pipeline.flow import ingest as run_ingest
    from pipeline.ingest.readers import find_files

    total = len(list(find_files(paths))) if all(p.exists() for p in paths) else None
    show = bool(total and total > 1 and sys.stderr.isatty())
    with Progress(transient=True, disable=not show) as progress:
        task = progress.add_task("ingesting", total=total)
        report = run_ingest(paths, db, on_file=lambda _: progress.advance(task), workers=workers)
    for failure in report.failures:
        click.echo(f"failed: {failure.path}: {failure.reason}", err=True)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@cli.command()
@db_option
def rebuild(db: Path) -> None:
    """Recompute derived documents, deals and arguments from the stored rows.

    Gives what incremental ingest gives; use it after changing the gazetteer's
    operators, or to check a store. No document is read again and no model runs.
    """
    from rich.progress import Progress

    from pipeline.rebuild import rebuild as run

    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        tasks: dict[str, Any] = {}

        def step(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done, total=total)

        counts = run(db, step)
    click.echo(
        f"rebuilt {db}: {counts['documents']} documents, {counts['deals']} deals, "
        f"{counts['claims']} claims in arguments"
    )


@cli.command()
@click.argument("query")
@format_option("Output format.")
@click.option(
    "--max-width",
    type=int,
    default=60,
    show_default=True,
    help="Cut table cells to this many columns (0: no limit).",
)
@db_option
def sql(query: str, fmt: str, max_width: int, db: Path) -> None:
    """Run read-only SQL against the store, e.g. neocloud sql "SELECT * FROM documents"."""
    from pipeline.store.query import format_result, run_query

    click.echo(format_result(run_query(db, query), fmt, max_width))


@cli.command()
@format_option("Output format; csv and json give the stored numbers.")
@db_option
def deals(fmt: str, db: Path) -> None:
    """The consolidated deals: parties, site, figures, independent sources and conflicts.

    Each deal is one real-world deal across documents and languages; every value
    is traceable through the deal_evidence table (neocloud sql "SELECT * FROM
    deal_evidence WHERE deal_id = '...'").
    """
    from pipeline.store.query import format_result
    from pipeline.views import deals_table

    click.echo(format_result(deals_table(db, raw=fmt != "table"), fmt, max_width=0))


@cli.command()
@click.option("--deals", "deal_ids", help="Comma-separated deal ids (default: every priced deal).")
@click.option(
    "--capex", type=float, help="Capital cost in USD (default: the one the documents state)."
)
@click.option("--opex-per-mw-month", type=float, help="Operating cost in USD per MW per month.")
@click.option("--months", type=int, help="Months to project (default 36).")
@click.option("--ramp-months", type=float, help="Months over which revenue ramps up linearly.")
@click.option(
    "--lock-in-months", type=float, help="Show the effect of cancelling after this lock-in."
)
@click.option("--valuation", type=float, help="Valuation in USD for the revenue multiple.")
@click.option(
    "--scenario",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file with any of these settings and per-deal overrides; options win.",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the payback chart (PNG).",
)
@click.option(
    "--price-chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a chart of price per GPU-hour across deals (PNG).",
)
@db_option
def economics(
    deal_ids: str | None,
    capex: float | None,
    opex_per_mw_month: float | None,
    months: int | None,
    ramp_months: float | None,
    lock_in_months: float | None,
    valuation: float | None,
    scenario: Path | None,
    chart: Path | None,
    price_chart: Path | None,
    db: Path,
) -> None:
    """Unit economics and payback of stored deals: per deal and for the chosen deals together.

    Every input says where it comes from (the figure as written and its document,
    or the user). Values outside plausible ranges are flagged with the reason.
    """
    from pipeline.economics_report import Scenario, build_report, render

    base = Scenario.from_file(scenario) if scenario else Scenario()
    chosen = base.merged(
        deals=tuple(d.strip() for d in deal_ids.split(",") if d.strip()) if deal_ids else None,
        capex=capex,
        opex_per_mw_month=opex_per_mw_month,
        months=months,
        ramp_months=ramp_months,
        lock_in_months=lock_in_months,
        valuation=valuation,
    )
    report = build_report(db, chosen)
    click.echo(render(report))
    if chart or price_chart:
        from pipeline.charts import payback_chart
        from pipeline.charts import price_chart as draw_prices

        if chart:
            click.echo(f"chart: {payback_chart(report, chart)}")
        if price_chart:
            click.echo(f"chart: {draw_prices(report, price_chart)}")


@cli.command()
@click.option("--deal", "deal_id", help="Only this deal (see `neocloud deals`).")
@click.option(
    "--lang",
    "langs",
    type=click.Choice(["en", "zh"]),
    multiple=True,
    help="Only this language; repeat for both (default: en and zh).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each summary to DIR/DEAL.LANG.md; without it the summaries are printed.",
)
@db_option
def summarize(deal_id: str | None, langs: tuple[str, ...], out: Path | None, db: Path) -> None:
    """Regenerate deal summaries (English and Chinese) from the stored facts.

    Every figure cites the document and segment it comes from. A summary is
    rewritten only when its facts changed since the last run, and then says
    what changed; the others are left as they were. No document is re-read.
    """
    from pipeline.summarize.run import LANGS
    from pipeline.summarize.run import summarize as run

    summaries = run(db, deal_id, langs or LANGS, out)
    if out is None:
        click.echo("\n".join(s.text for s in summaries), nl=False)
        return
    for s in summaries:
        click.echo(f"{s.status:<9}  {s.path}")
    counts = {status: sum(s.status == status for s in summaries) for status in
              ("new", "changed", "unchanged")}  # fmt: skip
    click.echo(
        f"{len(summaries)} summaries in {out}: {counts['new']} new, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged"
    )


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder for index.html and its charts.",
)
@db_option
def report(out: Path, db: Path) -> None:
    """Build a static HTML report: deals, economics charts, summaries, arguments.

    Summaries are regenerated first (as `neocloud summarize` does). The page
    needs no network: open OUT/index.html from disk.
    """
    from pipeline.report import build_report

    page = build_report(db, out)
    click.echo(f"report: {page}")


@cli.command("train-stance")
@db_option
@click.option(
    "--encoder",
    is_flag=True,
    help="Also fine-tune the stance encoder's adapters (needs torch, the `st` extra; "
    "about an hour on 2 cores).",
)
def train_stance(db: Path, encoder: bool) -> None:
    """Retrain the claim detector and stance head from corpus/stance/*.jsonl.

    Writes models/stance_head.json (and, with --encoder,
    models/stance_encoder.npz) and benchmarks/results/stance.json, prints
    held-out, cross-lingual and independent-test scores, and, when the store
    exists, re-scores its claims and regroups its arguments with the new head.
    """
    import json

    from pipeline.stance.train import TEST_FILES, train

    report = train(encoder=encoder, progress=lambda line: click.echo(line, err=True))
    for task in ("claim", "stance"):
        scores = report[task]
        click.echo(f"{task}: held-out {json.dumps(scores['all'])}")
        for name in TEST_FILES:
            if name in scores:
                click.echo(f"{task}: {name.replace('_', ' ')} {json.dumps(scores[name]['all'])}")
    stance = report["stance"]
    click.echo(f"stance: calibration {json.dumps(stance['calibration'])}")
    cross = {
        "linear head": stance["cross_lingual_en_to_zh_linear"],
        "embeddings only": stance["cross_lingual_en_to_zh_embeddings_only"],
        "encoder only": stance.get("encoder", {}).get("cross_lingual_en_to_zh_encoder_only"),
    }
    for name, value in cross.items():
        if value:
            click.echo(f"stance: cross-lingual en->zh, {name} {json.dumps(value)}")
    if db.exists():
        from pipeline.models import load_models
        from pipeline.rebuild import rescore

        click.echo(f"{db}: {rescore(db, load_models())} claims re-scored")


def main() -> None:
    """Entry point: one-line errors on stderr, non-zero exit."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NeocloudError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
