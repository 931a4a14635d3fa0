"""A story (or one view) as slides: a PPTX deck with one 16:9 slide per step, or a zip of
1920×1080 PNG images.

Each slide holds the step's main chart (dashboard/views.py, drawn by the local Chromium
as for a chart's PNG download), its title, its caption and the filters line; the source
and the step's permalink go in the speaker notes. Text is the author's, set as plain
text (python-pptx never interprets it).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dashboard import exports, links, theme
from dashboard.db import WarehouseVersion
from dashboard.filters import FilterOptions, describe, filters_sentence
from dashboard.i18n import _
from dashboard.stories import Story
from dashboard.views import direct, main_view

PNG_WIDTH, PNG_HEIGHT = exports.SLIDE_WIDTH, exports.SLIDE_HEIGHT


@dataclass(frozen=True)
class Slide:
    title: str
    caption: str
    filters_line: str
    image: bytes | None  # PNG, 1920×1080; None when nothing matches the step's filters
    chart_title: str
    source: str
    link: str


def slides(
    story: Story,
    version: WarehouseVersion,
    options: FilterOptions,
    *,
    base_url: str,
    story_name: str | None = None,
    inventory_name: str | None = None,
    titled: bool = True,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Iterator[Slide]:
    """The story's slides, one per step, drawn in the current language. `titled`: the
    image carries the step's title and filters line (a PNG on its own); a deck's
    pictures go without, since the slide writes them as text. `inventory_name`: drawn
    from a session's uploaded inventory, which the source line says (permalinks open
    the published atlas: an inventory has no link of its own)."""
    load = direct(version)
    source = (
        _(
            "Source: the uploaded inventory “{name}”, not the published atlas. The "
            "permalink opens the published atlas, where this view may differ."
        ).format(name=inventory_name)
        if inventory_name
        else _(theme.SOURCE_LINE)
    )
    for number, step in enumerate(story.steps, start=1):
        progress(number - 1, len(story.steps))
        filters, _notes = links.parse(step.params, options)
        params = {k: v[0] for k, v in step.params.items() if v}
        view = main_view(step.page, load, filters, params)
        line = filters_sentence(filters, describe(filters, options))
        image = None
        if view.figure is not None:
            image = exports.figure_image(
                view.figure,
                "png",
                title=(step.title or _(view.title)) if titled else "",
                subtitle=line if titled else "",
                source=source,
            )
        extra = {"story": story_name, "step": str(number)} if story_name else {}
        yield Slide(
            title=step.title or _(view.title),
            caption=step.caption,
            filters_line=line,
            image=image,
            chart_title=_(view.title),
            source=source,
            link=step.url(base_url, present="true", **extra),
        )
    progress(len(story.steps), len(story.steps))


def deck(story: Story, made: list[Slide]) -> bytes:
    """The PPTX: a title slide, then one 16:9 slide per step."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Emu(12_192_000), Emu(6_858_000)  # 16:9
    blank = presentation.slide_layouts[6]
    width = presentation.slide_width

    def text_box(slide, text: str, top: float, height: float, size: int, bold=False):
        box = slide.shapes.add_textbox(Inches(0.5), Inches(top), width - Inches(1), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = text  # plain text: never read as markup
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size)
                run.font.bold = bold
        return box

    cover = presentation.slides.add_slide(blank)
    text_box(cover, story.title, 2.6, 1.5, 40, bold=True)
    text_box(cover, made[0].source if made else _(theme.SOURCE_LINE), 4.4, 1.0, 16)
    for slide_data in made:
        slide = presentation.slides.add_slide(blank)
        text_box(slide, slide_data.title, 0.25, 0.8, 28, bold=True)
        if slide_data.image is not None:
            # the chart image (16:9) below the title, above the caption
            height = Inches(5.0)
            picture_width = Emu(int(height * PNG_WIDTH / PNG_HEIGHT))
            slide.shapes.add_picture(
                io.BytesIO(slide_data.image),
                int((width - picture_width) / 2),
                Inches(1.05),
                width=picture_width,
                height=height,
            )
        else:
            text_box(slide, _("No projects or exchanges match this step's filters."), 3.0, 1, 20)
        text_box(slide, slide_data.caption, 6.1, 0.8, 16)
        text_box(slide, slide_data.filters_line, 6.9, 0.4, 11)
        notes = slide.notes_slide.notes_text_frame
        notes.text = "\n".join(
            [slide_data.source, _("Permalink: {url}").format(url=slide_data.link)]
        )
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def png_zip(made: list[Slide]) -> bytes:
    """The slides' chart images, 1920×1080, numbered in the story's order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, slide in enumerate(made, start=1):
            if slide.image is not None:
                archive.writestr(f"step-{number:02d}.png", slide.image)
    return out.getvalue()
