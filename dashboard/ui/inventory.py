"""A session's own inventory: the upload on the Data page, and the banner on every page.

A valid upload switches this browser session to its own warehouse (dashboard/uploads.py);
every page then reads it (dashboard/ui/data.py), while other sessions keep the published
atlas. One click goes back, and removes the files.
"""

from __future__ import annotations

import math
import time
from urllib.parse import unquote

import pandas as pd
import streamlit as st

from dashboard import exports, i18n, inert
from dashboard.i18n import N_, _, ngettext
from dashboard.ui.admission import slot_released
from dashboard.ui.data import INVENTORY_GONE_KEY, INVENTORY_KEY, session_inventory
from dashboard.ui.sidebar import request_filter_reset
from dashboard.ui.tables import table as fitted_table
from dashboard.uploads import (
    PROBLEM_COLUMNS,
    Inventory,
    Upload,
    UploadLimits,
    build_inventory,
    latest_files,
    sweep,
    uploads_root,
)

PROBLEMS_KEY = "upload_problems"  # the last refused upload's report: (names, rows)
PROBLEM_HEADERS = {
    "file": N_("File"),
    "sheet": N_("Sheet"),
    "row": N_("Row"),
    "column": N_("Column"),
    "value": N_("Value"),
    "problem": N_("Problem"),
    "suggestion": N_("Suggestion"),
}
# What build_inventory says it is doing (its progress messages), in the reader's words.
STEPS = {
    "checking the files": N_("Checking the files…"),
    "validating and building (the same checks as python -m etl build)": N_(
        "Validating every row and building your inventory (the same checks as "
        "`python -m etl build`)…"
    ),
    "opening your inventory": N_("Opening your inventory…"),
}


def use_inventory(inventory: Inventory) -> None:
    """Switch this session to `inventory` (the previous one's files are removed)."""
    previous = st.session_state.get(INVENTORY_KEY)
    if previous is not None and previous is not inventory:
        previous.release()
    st.session_state[INVENTORY_KEY] = inventory
    request_filter_reset()  # its countries and years are not the published atlas's


def leave_inventory() -> None:
    """Back to the published atlas; the inventory's files are removed (a callback)."""
    inventory = st.session_state.pop(INVENTORY_KEY, None)
    if inventory is not None:
        inventory.release()
    request_filter_reset()


SWEEP_EVERY_S = 300.0
_last_sweep = 0.0  # this server process's last sweep of idle uploads (time.monotonic)


def sweep_idle_uploads() -> None:
    """Remove inventories idle past the limit, at most every SWEEP_EVERY_S: an upload
    whose session ended without its clean-up (a closed tab, a killed server) goes even
    when nobody uploads again."""
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < SWEEP_EVERY_S:
        return
    _last_sweep = now
    root = uploads_root()
    if root.is_dir():
        sweep(root, UploadLimits.from_env().idle_seconds)


def inventory_banner() -> None:
    """On every page while the session explores its own inventory: says so, with one
    click back. (It also sweeps idle uploads now and then.)"""
    sweep_idle_uploads()
    gone = st.session_state.pop(INVENTORY_GONE_KEY, None)
    if gone:
        st.info(
            _(
                "Your inventory “{name}” was removed after a long time without use: you "
                "see the published atlas again. Upload it again on the Data page."
            ).format(name=inert.markdown(gone)),
            icon=":material/history:",
        )
    inventory = session_inventory()
    if inventory is None:
        return
    with st.container(border=True, key="inventory_banner"):
        text, action = st.columns([3, 1], vertical_alignment="center")
        text.markdown(
            ":material/upload_file: **"
            + ngettext(
                "Your inventory: {n} project — not the published atlas",
                "Your inventory: {n} projects — not the published atlas",
                inventory.projects,
            ).format(n=i18n.number(inventory.projects))
            + "**  \n"
            + _("{name} · {exchanges} exchanges · seen only in this browser session").format(
                name=inert.markdown(inventory.name), exchanges=i18n.number(inventory.exchanges)
            )
        )
        action.button(
            _("Back to the published atlas"),
            on_click=leave_inventory,
            key="leave_inventory",
            icon=":material/undo:",
            width="stretch",
        )


def upload_section() -> None:
    """The Data page's upload: files in, every problem out, or the session switched."""
    limits = UploadLimits.from_env()
    megabytes = limits.max_bytes / (1024 * 1024)
    st.markdown(
        _(
            "Drop your inventory in the catalogue template's format (download it above): one "
            "XLSX workbook, the CSV files, or a zip of the CSV files. It is checked row by "
            "row, as `python -m etl build` does. A valid inventory replaces the atlas **for "
            "this browser session only**: nobody else sees it, the published atlas does not "
            "change, and its files are removed when you go back or leave."
        )
    )
    st.caption(
        _(
            "Limits: {mb} MB in all, {rows} rows per sheet, {seconds} s of processing. "
            "The problems are reported in English, as the command line reports them."
        ).format(
            mb=i18n.number(megabytes, 0 if megabytes == int(megabytes) else 1),
            rows=i18n.number(limits.max_rows),
            seconds=i18n.number(limits.max_seconds, 0),
        )
        + " "
        + _(
            "A corrected file dropped again replaces the earlier file of the same name "
            "(a workbook, the earlier workbook)."
        )
    )
    files = st.file_uploader(
        _("Your inventory (XLSX, CSV files or a zip of CSV files)"),
        accept_multiple_files=True,
        key="inventory_files",
        max_upload_size=max(1, math.ceil(megabytes)),
    )
    if st.button(
        _("Check and explore"),
        type="primary",
        disabled=not files,
        key="check_inventory",
        icon=":material/fact_check:",
    ):
        uploads = latest_files([Upload(unquote(f.name), f.getvalue()) for f in files])
        with (
            st.status(_("Checking your inventory…"), expanded=True) as status,
            slot_released(),  # seconds in DuckDB and Parquet: the room's runs go on
        ):
            outcome = build_inventory(
                uploads, limits=limits, progress=lambda step: status.write(_(STEPS[step]))
            )
            if outcome.inventory is None:
                status.update(label=_("Your inventory was not loaded"), state="error")
            else:
                status.update(label=_("Your inventory is ready"), state="complete")
        if outcome.inventory is None:
            rows = outcome.problem_rows()
            names = ", ".join(sorted({str(r["file"]) for r in rows}))  # those with problems
            st.session_state[PROBLEMS_KEY] = (names, rows)
        else:
            st.session_state.pop(PROBLEMS_KEY, None)
            use_inventory(outcome.inventory)
            st.rerun()
    refused = st.session_state.get(PROBLEMS_KEY)
    if refused:
        _problem_report(*refused)


def _problem_report(names: str, rows: list[dict[str, object]]) -> None:
    """Every problem of a refused upload: a table, and the same as CSV."""
    st.error(
        ngettext(
            "**{n} problem in {files}: nothing was loaded.** Fix it and upload again.",
            "**{n} problems in {files}: nothing was loaded.** Fix them and upload again.",
            len(rows),
        ).format(n=i18n.number(len(rows)), files=inert.markdown(names)),
        icon=":material/error:",
    )
    frame = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    shown = ["file", "sheet", "row", "column", "problem", "suggestion", "value"]  # fixes first
    fitted_table(
        frame[shown].astype({"row": "string"}).fillna(""),
        {column: st.column_config.TextColumn(_(PROBLEM_HEADERS[column])) for column in shown},
    )
    st.download_button(
        _("Problems (CSV)"),
        data=exports.csv_bytes(frame),
        file_name="inventory-problems.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="dl_inventory_problems",
    )
