"""The Streamlit layer shared by every page, by concern:

- `data`: the warehouse version and cached queries (`load(queries.projects, filters)`),
  or run on click (`on_demand`, for streamed downloads); `built(builder, *args)`
  (dashboard/memo.py) shares a figure, map or table built from them between sessions;
- `sidebar`: the filter sidebar generated from the registry, the URL it keeps in step,
  captions, the "does not apply" note, presentation mode, the link builder (`urls()`);
- `blocks`: chart blocks (Chart / Table / Sources / Download), downloads, empty states;
- `pickers`: choosers whose choice lives in the URL as a code or an id;
- `shell`: the page app.py is running, and the guard for deep links on a fresh server;
- `tables`: tables' counts with thousands separators;
- `mapview`: the maps' zoom and reset buttons (the wheel scrolls the page);
- `inventory`: a session's own uploaded inventory (the Data page's upload, the banner);
- `stewards`: publishing an inventory, versions and rollback (the Data page);
- `story`: building, playing and exporting stories (sidebar, player, slides);
- `admission`: past a number of sessions per process, a "busy, retry" page (`admit`);
  page runs take turns, two at a time (`run_slot`, `slot_released`).

Pages use the names below (`ui.load`, `ui.chart_block`, …); the modules say where each
lives.
"""

from dashboard.memo import built
from dashboard.ui.admission import admit, run_slot, slot_released
from dashboard.ui.blocks import (
    PLOTLY_CONFIG,
    chart_block,
    downloads,
    empty_state,
    is_synthetic,
    record_source,
    source_line,
    synthetic_banner,
)
from dashboard.ui.data import (
    load,
    on_demand,
    one_run,
    options,
    session_inventory,
    version,
    warehouse_directory,
)
from dashboard.ui.inventory import inventory_banner, upload_section
from dashboard.ui.mapview import map_help, map_view_controls
from dashboard.ui.pickers import code_picker, record_heading, record_picker
from dashboard.ui.shell import current_page, ensure_shell, shell
from dashboard.ui.sidebar import (
    clear_filters,
    current_filters,
    filter_params,
    filters_caption,
    filters_markdown,
    filters_text,
    focus_styles,
    language_chooser,
    presentation_mode_requested,
    presentation_toggle,
    project_only_filters_note,
    requested_language,
    sidebar_filters,
    urls,
)
from dashboard.ui.stewards import publishing_section
from dashboard.ui.story import follow_story, story_panel, story_player
from dashboard.ui.tables import count_columns, table

__all__ = [
    "admit",
    "run_slot",
    "one_run",
    "slot_released",
    "PLOTLY_CONFIG",
    "inventory_banner",
    "publishing_section",
    "follow_story",
    "story_panel",
    "story_player",
    "upload_section",
    "warehouse_directory",
    "built",
    "chart_block",
    "clear_filters",
    "code_picker",
    "count_columns",
    "table",
    "current_filters",
    "current_page",
    "downloads",
    "empty_state",
    "ensure_shell",
    "filter_params",
    "filters_caption",
    "filters_markdown",
    "filters_text",
    "focus_styles",
    "is_synthetic",
    "language_chooser",
    "load",
    "on_demand",
    "options",
    "presentation_mode_requested",
    "presentation_toggle",
    "project_only_filters_note",
    "map_help",
    "map_view_controls",
    "record_heading",
    "record_picker",
    "record_source",
    "requested_language",
    "session_inventory",
    "shell",
    "sidebar_filters",
    "source_line",
    "synthetic_banner",
    "urls",
    "version",
]
