"""The Data page's publishing section, for data stewards (dashboard/publishing.py): the
diff of the session's inventory against the published atlas, publishing it with the
steward secret, the kept versions with a rollback, and the audit log."""

from __future__ import annotations

import logging
import os

import pandas as pd
import streamlit as st

from dashboard import i18n, inert, publishing
from dashboard.db import warehouse_dir
from dashboard.i18n import _
from dashboard.ui.data import session_inventory
from dashboard.ui.inventory import leave_inventory
from dashboard.ui.tables import table as fitted_table

DONE_KEY = "steward_done"  # what the last publication or rollback did, said once
REFUSED_KEY = "steward_refused"  # why the last one was refused, said once

LOG = logging.getLogger(__name__)


def steward_secret() -> str | None:
    """`steward_secret` from .streamlit/secrets.toml, else $ATLAS_STEWARD_SECRET."""
    try:
        configured = st.secrets.get("steward_secret")
    except Exception:  # no secrets.toml at all (Streamlit raises on a missing file)
        configured = None
    return str(configured) if configured else os.environ.get(publishing.SECRET_ENV) or None


def publishing_section() -> None:
    secret = steward_secret()
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    refused = st.session_state.pop(REFUSED_KEY, None)
    if refused:
        st.error(refused, icon=":material/block:")
    if secret is None:
        st.info(
            _(
                "**Publishing is off.** To let data stewards replace the published atlas "
                'from here, set a steward secret: `steward_secret = "…"` in '
                "`.streamlit/secrets.toml`, or the environment variable "
                "`ATLAS_STEWARD_SECRET`; then restart the app."
            ),
            icon=":material/lock:",
        )
        return
    published = warehouse_dir()
    inventory = session_inventory()
    if inventory is None:
        st.markdown(_("Upload an inventory above: a steward can then publish it from here."))
    else:
        _publish_form(inventory, published, secret)
    _versions(published, secret)


def _changes_table(changes: publishing.TableDiff) -> pd.DataFrame:
    rows = [{"id": i, "field": _("(added)"), "before": "", "after": ""} for i in changes.added]
    rows += [{"id": i, "field": _("(removed)"), "before": "", "after": ""} for i in changes.removed]
    return pd.concat([pd.DataFrame(rows, columns=["id", "field", "before", "after"]),
                      changes.changed], ignore_index=True)  # fmt: skip


def _diff(inventory, published) -> tuple[str, dict[str, publishing.TableDiff]]:
    """The diff against the published atlas as it is now, and which build that is
    (kept for the session: computed again only when either side changes)."""
    seen = publishing.fingerprint(published)
    cached = st.session_state.get("_steward_diff")
    if cached is None or cached[0] != (seen, str(inventory.directory)):
        cached = ((seen, str(inventory.directory)), publishing.diff(published, inventory.warehouse))
        st.session_state["_steward_diff"] = cached
    return seen, cached[1]


def _publish_form(inventory, published, secret: str) -> None:
    seen, changes = _diff(inventory, published)
    st.markdown(_("**What publishing your inventory changes in the published atlas:**"))
    for table, title in (
        ("projects", _("Projects")),
        ("exchanges", _("Exchanges")),
        ("reported_figures", _("Reported figures")),
    ):
        col = st.container()  # full width: the new values ("After") stay in view
        one = changes[table]
        col.markdown(
            f"**{title}**  \n"
            + _("{added} added · {removed} removed · {changed} changed").format(
                added=i18n.number(len(one.added)),
                removed=i18n.number(len(one.removed)),
                changed=i18n.number(one.changed["id"].nunique() if not one.changed.empty else 0),
            )
        )
        table_rows = _changes_table(one)
        if not table_rows.empty:
            with col:
                fitted_table(
                    table_rows,
                    {
                        "id": st.column_config.TextColumn(_("Record")),
                        "field": st.column_config.TextColumn(_("Field")),
                        "before": st.column_config.TextColumn(_("Before")),
                        "after": st.column_config.TextColumn(_("After")),
                    },
                    half=True,
                )
    with st.form("publish_form"):
        st.text_input(
            _("Your name (recorded with the publication)"), max_chars=80, key="publish_name"
        )
        st.text_input(_("Steward secret"), type="password", key="publish_secret")
        # A callback, not the button's return value: it runs once, before the page
        st.form_submit_button(
            _("Publish this inventory"),
            type="primary",
            on_click=_publish,
            args=(inventory, published, secret, seen),
        )


def _attempt(form: str, act, refused: str, done: str) -> publishing.Version | None:
    """Run a publication or rollback with `form`'s name and secret (the secret field is
    emptied: never kept), and say once how it went."""
    name = st.session_state.get(f"{form}_name", "")
    given = st.session_state.get(f"{form}_secret", "")
    st.session_state[f"{form}_secret"] = ""
    try:
        version = act(name, given)
    except publishing.Refused as refusal:
        st.session_state[REFUSED_KEY] = refused.format(why=inert.markdown(str(refusal)))
        return None
    except Exception:  # a full disk, a damaged version: said, logged, never a traceback
        LOG.exception("%s failed", form)
        st.session_state[REFUSED_KEY] = refused.format(
            why=_(
                "the server could not complete it (the published atlas is unchanged; the "
                "server log has the details)"
            )
        )
        return None
    st.session_state[DONE_KEY] = done.format(id=version.id, n=i18n.number(version.projects))
    return version


def _publish(inventory, published, secret: str, seen: str) -> None:
    version = _attempt(
        "publish",
        lambda name, given: publishing.publish(
            inventory.warehouse,
            published,
            steward=name,
            secret=given,
            expected_secret=secret,
            source=inventory.name,
            source_sha256=inventory.sha256,
            seen=seen,
        ),
        _("Not published: {why}."),
        _("Published: everyone now sees {n} projects (version {id})."),
    )
    if version is not None:
        leave_inventory()  # the published atlas is now the inventory


def _rollback(published, secret: str) -> None:
    chosen = st.session_state.get("rollback_version")
    _attempt(
        "rollback",
        lambda name, given: publishing.rollback(
            chosen, published, steward=name, secret=given, expected_secret=secret
        ),
        _("Not rolled back: {why}."),
        _("Rolled back: everyone now sees version {id} ({n} projects)."),
    )


def _versions(published, secret: str) -> None:
    versions_dir = publishing.versions_dir(published)
    kept = publishing.list_versions(versions_dir)
    current = publishing.current_version(versions_dir)
    st.markdown(_("**Published versions** (the last {n} are kept)").format(n=publishing.KEEP))
    if not kept:
        st.caption(_("None yet: the first publication keeps the current atlas as a version."))
        return
    fitted_table(
        pd.DataFrame(
            [
                {
                    "current": "✓" if v.id == current else "",
                    "id": v.id,
                    "when": v.when,
                    "built": v.built_at,
                    "steward": v.steward,
                    "source": v.source,
                    "sha256": v.source_sha256,
                    "projects": v.projects,
                    "exchanges": v.exchanges,
                }
                for v in kept
            ]
        ),
        {
            "current": st.column_config.TextColumn(_("Published")),
            "id": st.column_config.TextColumn(_("Version")),
            "when": st.column_config.TextColumn(_("Kept (UTC)")),
            "built": st.column_config.TextColumn(_("Built (UTC)")),
            "steward": st.column_config.TextColumn(_("Steward")),
            "source": st.column_config.TextColumn(_("Source file")),
            "sha256": st.column_config.TextColumn(_("Source SHA-256")),
            "projects": st.column_config.NumberColumn(_("Projects")),
            "exchanges": st.column_config.NumberColumn(_("Exchanges")),
        },
    )
    others = [v.id for v in kept if v.id != current]
    if others:
        with st.form("rollback_form"):
            described = {v.id: v for v in kept}
            st.selectbox(
                _("Roll back to"),
                others,
                key="rollback_version",
                format_func=lambda vid: _("{when} · {steward} · {source} · {n} projects").format(
                    when=described[vid].when[:16].replace("T", " "),
                    steward=described[vid].steward,
                    source=described[vid].source,
                    n=i18n.number(described[vid].projects),
                ),
            )
            st.text_input(
                _("Your name (recorded with the rollback)"), max_chars=80, key="rollback_name"
            )
            st.text_input(_("Steward secret"), type="password", key="rollback_secret")
            st.form_submit_button(_("Roll back"), on_click=_rollback, args=(published, secret))
    entries = publishing.audit_entries(versions_dir)
    if entries:
        with st.expander(_("Audit log ({n} entries)").format(n=i18n.number(len(entries)))):
            fitted_table(pd.DataFrame(entries[::-1]).astype(str))
