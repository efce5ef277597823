"""The library as a tree: events (newest first), their talks, their other notes,
and the notes that could not be read.

Labels are built as `Text` from sanitised note text: a Tree turns a `str` label into
markup, which would let a note's title run actions when clicked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from notetui.core.load.outline import Outline, OutlineEvent, OutlineTalk
from notetui.core.models import Event, Library, Problem, Talk
from notetui.core.state import load_state, save_state
from notetui.core.text import sanitize_line
from notetui.ui.annotating import visible_ids
from notetui.ui.palette import palette

if TYPE_CHECKING:
    from textual.geometry import Size

    from notetui.core.annotations.anchoring import Attachments


@dataclass(frozen=True, slots=True)
class NodeRef:
    kind: str  # "event" | "talk" | "event-notes" | "problems" | "problem"
    id: str = ""


_DIM = Style(dim=True)
TREE_MIN = 20  # columns: the narrowest tree, whatever the keys or the mouse ask
PANE_MIN = 30  # columns the reading pane keeps beside the widest tree
# Above this many events the tree opens folded and adds talks as events unfold.
LAZY_EVENTS = 300

# What a label is drawn from: the full library's, or the cache's outline of it
# (drawn alike, so nothing moves when the full library replaces the outline).
AnyTalk = Talk | OutlineTalk
AnyEvent = Event | OutlineEvent


def _sources(talk: AnyTalk) -> int:
    return talk.sources if isinstance(talk, OutlineTalk) else len(talk.sources)


def _notes(event: AnyEvent) -> int:
    return event.notes if isinstance(event, OutlineEvent) else len(event.notes)


def _sections(event: AnyEvent) -> int:
    return event.sections if isinstance(event, OutlineEvent) else len(event.sections)


def _notes_label(event: AnyEvent) -> Text:
    return Text(f"Event notes ({_sections(event)})", Style(italic=True, dim=True))


def _shape(events: Iterable[AnyEvent]) -> list[tuple[str, tuple[str, ...], bool]]:
    """What decides the tree's rows: the events, their talks, whether they have notes."""
    return [(e.id, tuple(t.id for t in e.talks), bool(_sections(e))) for e in events]


def talk_label(talk: AnyTalk, annotations: int = 0) -> Text:
    """ "19:35 3 Title ✎2": time, how many notes cover it, title, the user's annotations."""
    label = Text()
    if talk.time:
        label.append(f"{talk.time} ", _DIM)
    count = _sources(talk)
    label.append(f"{count}", palette().style("link", bold=True) if count > 1 else _DIM)
    label.append(" ")
    if annotations:
        label.append(f"✎{annotations} ", palette().style("note", bold=True))
    label.append(sanitize_line(talk.title))
    return label


def event_label(event: AnyEvent, annotations: int = 0, *, short: bool = False) -> Text:
    """ "2025-06-12 Title aka Other  3 notes ✎1"; `short`: the date, title and ✎ only."""
    label = Text()
    label.append(f"{event.date or '—':<10} ", _DIM)
    label.append(sanitize_line(event.title), Style(bold=True))
    if short:
        if annotations:
            label.append(f" ✎{annotations}", palette().style("note", bold=True))
        return label
    if event.aliases:
        hint = sanitize_line(event.aliases[0])
        if len(hint) > 24:
            hint = hint[:23] + "…"
        more = f" +{len(event.aliases) - 1}" if len(event.aliases) > 1 else ""
        label.append(f" aka {hint}{more}", Style(dim=True, italic=True))
    notes = _notes(event)
    label.append(f"  {notes} note{'s' if notes != 1 else ''}", _DIM)
    if annotations:
        label.append(f" ✎{annotations}", palette().style("note", bold=True))
    return label


def truncate_middle(text: Text, width: int, *, keep: int = 0) -> Text:
    """`text` cut to `width` cells in the middle ("K8S上のGoサ…を見直した話"), so sibling
    titles that start alike stay apart by how they end. The first `keep` cells (a
    talk's time and counts) stay whole when there is room for some title after them."""
    if text.cell_len <= width or width < 3:
        return text
    if keep and width - keep < 8:
        keep = 0  # too narrow for both: cut the label as a whole
    room = width - 1 - keep  # the "…"
    head_cells = keep + (room * 11 + 19) // 20  # a little over half for the start
    tail_cells = room + keep - head_cells
    plain = text.plain
    head = used = 0
    while head < len(plain) and used + get_character_cell_size(plain[head]) <= head_cells:
        used += get_character_cell_size(plain[head])
        head += 1
    tail = len(plain)
    used = 0
    while tail > head and used + get_character_cell_size(plain[tail - 1]) <= tail_cells:
        used += get_character_cell_size(plain[tail - 1])
        tail -= 1
    cut = text[:head]
    cut.append("…", _DIM)
    cut.append_text(text[tail:])
    return cut


def ref_exists(library: Library, ref: NodeRef) -> bool:
    """Whether `library` still has what `ref` names (after a reload)."""
    if ref.kind == "talk":
        return library.talk(ref.id) is not None
    if ref.kind in ("event", "event-notes"):
        return library.event(ref.id) is not None
    return ref.kind in ("problems", "problem") and bool(library.problems)


def talk_after(library: Library, talk: Talk | None, event: Event | None, step: int) -> Talk:
    """The talk `step` away from `talk` in library order, round the end; from an
    event (no talk), its first talk going on, or the library's first going back."""
    talks = library.talks
    if talk is None:
        index = next((i for i, t in enumerate(talks) if event and t.event_id == event.id), -1)
        return talks[index if index >= 0 and step > 0 else 0]
    position = next(i for i, t in enumerate(talks) if t.id == talk.id)
    return talks[(position + step) % len(talks)]


def filter_summary(
    library: Library, tags: tuple[str, ...], visible: set[str] | None
) -> Text | None:
    """ "#k8s · 2 of 14 talks": the tag filter on, and how much of the library it shows."""
    if not tags or visible is None:
        return None
    text = Text(" ".join(f"#{sanitize_line(t)}" for t in tags), palette().style("tag", bold=True))
    shown = sum(1 for talk in library.talks if talk.id in visible)
    total = len(library.talks)
    text.append(f" · {shown} of {total} talk{'s' if total != 1 else ''}")
    return text


class LibraryTree(Tree[NodeRef]):
    """Events, talks, event notes and problems. Posts what the user moves to."""

    DEFAULT_CSS = """
    LibraryTree { scrollbar-size-vertical: 1; }
    LibraryTree.-filtered {
        border-top: solid $accent; border-title-align: left; border-title-color: $text;
    }
    """
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("k", "cursor_up", "Up", show=False, id="tree.up"),
        Binding("g,home", "scroll_home", "First", show=False, id="tree.first"),
        Binding("G,end", "scroll_end", "Last", show=False, id="tree.last"),
        Binding("h,left", "collapse", "Collapse", show=False, id="tree.collapse"),
        Binding("l,right", "expand", "Expand", show=False, id="tree.expand"),
    ]

    class Moved(Message):
        """The cursor moved to a node (the reader previews it)."""

        def __init__(self, ref: NodeRef) -> None:
            super().__init__()
            self.ref = ref

    class Chosen(Message):
        """The user pressed enter on (or clicked) a node."""

        def __init__(self, ref: NodeRef) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, *, id: str | None = None) -> None:
        # Before Tree's own __init__, which measures the root already.
        self._width_for: tuple[tuple[Size, Size], int] | None = None  # see _measured_width
        super().__init__(Text("Library", style="bold"), id=id)
        self.show_root = False
        self.auto_expand = False  # enter opens an event; h/l and space fold it
        self.guide_depth = 2
        self._node_by_key: dict[str, TreeNode[NodeRef]] = {}
        self._annotation_counts: dict[str, int] = {}
        self._talks: dict[str, AnyTalk] = {}
        self._events: dict[str, AnyEvent] = {}
        self._event_of_talk: dict[str, str] = {}
        self._unfilled: dict[str, list[AnyTalk]] = {}  # event id: talks not added yet
        self.outline: Outline | None = None  # drawn from the cache's outline, until the library
        self.filter_summary: Text | None = None  # "#k8s · 2 of 14 talks" while filtered
        self._dragging = False  # the right edge (the divider) is being dragged
        self._width: int | None = None  # as last set by a key or the mouse
        self._state_path: Path | None = None  # where the width is remembered

    def show_library(
        self, library: Library, *, keep: NodeRef | None = None, visible: set[str] | None = None
    ) -> None:
        """Fill the tree; `visible` limits it to those talk and event ids (a tag filter)."""
        self.outline = None
        self._add_events(library.events, visible)
        self._show_problems(library.problems)
        if keep is not None:
            self.call_after_refresh(self.move_to, keep)

    def show_outline(self, outline: Outline) -> None:
        """Fill the tree from the cache's outline while the full library loads, the
        cursor on the first talk, where the full library puts it (`take_library`
        then swaps it in)."""
        self._add_events(outline.events, None)
        if outline.problems:
            self._problems_node(outline.problems)  # its rows come with the library
        self.outline = outline
        first = next((e.talks[0] for e in outline.events if e.talks), None)
        if first is not None:
            self.move_to(NodeRef("talk", first.id))

    def take_library(
        self, library: Library, attachments: Attachments | None, tags: tuple[str, ...]
    ) -> None:
        """The full library in place of the outline, the user's view kept: where the
        cursor is, which events are open, how far the tree is scrolled."""
        outline, self.outline = self.outline, None
        if outline is not None and not tags and _shape(outline.events) == _shape(library.events):
            self._relabel_from(library)  # the usual case: nothing on screen moves
            return
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        opened = {
            node.data.id: node.is_expanded
            for node in self.root.children
            if node.data is not None and node.data.kind == "event"
        }
        scrolled = self.scroll_y
        self.show_filtered(library, attachments, tags, keep=cursor)
        for event_id, is_open in opened.items():
            if (node := self._node_by_key.get(event_id)) is None or node.is_expanded == is_open:
                continue
            if is_open:
                self._fill(node)
                node.expand()
            else:
                node.collapse()
        self.call_after_refresh(self.scroll_to, y=scrolled, animate=False)

    def _add_events(self, events: Iterable[AnyEvent], visible: set[str] | None) -> None:
        self.clear()
        self._node_by_key.clear()
        self._unfilled.clear()
        self._event_of_talk.clear()
        events = tuple(events)
        self._events = {e.id: e for e in events}
        self._talks = {t.id: t for e in events for t in e.talks}
        # A small library opens with every event unfolded. A big one opens folded and
        # adds an event's talks when it is first unfolded: tens of thousands of nodes
        # would cost seconds to add and measure before the first paint.
        lazy = len(events) > LAZY_EVENTS
        for event in events:
            talks = [t for t in event.talks if visible is None or t.id in visible]
            if visible is not None and not talks and event.id not in visible:
                continue
            event_node = self.root.add(
                event_label(event, self._annotation_counts.get(event.id, 0)),
                NodeRef("event", event.id),
                expand=not lazy,
                allow_expand=bool(talks or _sections(event)),
            )
            self._node_by_key[event.id] = event_node
            for talk in talks:
                self._event_of_talk[talk.id] = event.id
            self._unfilled[event.id] = talks
            if not lazy:
                self._fill(event_node)

    def _problems_node(self, count: int) -> TreeNode[NodeRef]:
        label = Text(f"Problems ({count})", palette().style("problem", bold=True))
        node = self._node_by_key.get("problems")
        if node is None:
            node = self.root.add(label, NodeRef("problems"), expand=False)
            self._node_by_key["problems"] = node
        else:
            node.set_label(label)
            node.remove_children()
        return node

    def _show_problems(self, problems: tuple[Problem, ...]) -> None:
        if not problems:
            if (node := self._node_by_key.pop("problems", None)) is not None:
                node.remove()
            return
        node = self._problems_node(len(problems))
        for problem in problems:
            label = Text(sanitize_line(problem.note), Style(bold=True))
            label.append(f"  {sanitize_line(problem.message)}", _DIM)
            node.add_leaf(label, NodeRef("problem", problem.note))

    def _relabel_from(self, library: Library) -> None:
        """The same events and talks as the outline drew: the library's objects behind
        the same nodes, labels drawn again from them, the problems' rows added."""
        self._events = {e.id: e for e in library.events}
        self._talks = {t.id: t for t in library.talks}
        for event_id in self._unfilled:
            self._unfilled[event_id] = list(self._events[event_id].talks)
        self.set_annotation_counts(self._annotation_counts)
        for event in library.events:
            if (node := self._node_by_key.get("notes:" + event.id)) is not None:
                node.set_label(_notes_label(event))
        self._show_problems(library.problems)

    def show_filtered(
        self,
        library: Library,
        attachments: Attachments | None,
        tags: tuple[str, ...],
        *,
        keep: NodeRef | None,
    ) -> None:
        """Fill the tree with the talks and events carrying every one of `tags` (all
        of them when there are none), and say so in the title (`filter_summary`)."""
        visible = None
        if tags:
            visible = visible_ids(library, attachments, tags) if attachments else set()
        self.show_library(library, keep=keep, visible=visible)
        self.filter_summary = filter_summary(library, tags, visible)
        self.border_title = self.filter_summary  # a Text: a tag is never markup
        self.set_class(bool(tags), "-filtered")

    def _fill(self, event_node: TreeNode[NodeRef]) -> None:
        """Add an event's talks and its notes node, once."""
        ref = event_node.data
        if ref is None or ref.id not in self._unfilled:
            return
        talks = self._unfilled.pop(ref.id)
        for talk in talks:
            self._node_by_key[talk.id] = event_node.add_leaf(
                talk_label(talk, self._annotation_counts.get(talk.id, 0)),
                NodeRef("talk", talk.id),
            )
        event = self._events[ref.id]
        if _sections(event):
            self._node_by_key["notes:" + event.id] = event_node.add_leaf(
                _notes_label(event), NodeRef("event-notes", event.id)
            )

    def _node_for(self, key: str) -> TreeNode[NodeRef] | None:
        """The node for a tree key, adding its event's talks first if need be."""
        if key not in self._node_by_key:
            event_id = self._event_of_talk.get(key) or key.removeprefix("notes:")
            if (event_node := self._node_by_key.get(event_id)) is not None:
                self._fill(event_node)
        return self._node_by_key.get(key)

    def get_label_width(self, node: TreeNode[NodeRef]) -> int:
        """The width `render_label` would give, without rendering: Textual measures
        every line when the tree changes, and at 10,000 notes rendering them all took
        half a second on each n into a folded event."""
        icon = cell_len(self.ICON_NODE) if node.allow_expand else 0
        label = node.label
        full = icon + cell_len(label.plain if isinstance(label, Text) else label)
        room = self._label_room(node, self._measured_width())
        return full if room is None else min(full, room)

    def _measured_width(self) -> int:
        """The content width while Textual measures every line of the tree: asked once
        per size, not once per line (at 10,000 notes the region took 14 ms a build)."""
        key = (self.outer_size, self.virtual_size)  # outer_size is stored, size computed
        if self._width_for is None or self._width_for[0] != key:
            self._width_for = (key, self.scrollable_content_region.width)
        return self._width_for[1]

    def _label_room(self, node: TreeNode[NodeRef], width: int | None = None) -> int | None:
        """The cells a node's label has before the edge (None before the first layout)."""
        if width is None:
            width = self.scrollable_content_region.width
        if width <= 0:
            return None
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return max(4, width - self.guide_depth * depth)

    def render_label(self, node: TreeNode[NodeRef], base_style: Style, style: Style) -> Text:
        """A label too long for the tree is cut in the middle, not at its end (the
        header above the columns shows the whole title)."""
        label = super().render_label(node, base_style, style)
        room = self._label_room(node)
        if room is None:
            return label
        if label.cell_len <= room:
            return label
        ref = node.data
        keep = 0
        if ref is not None and ref.kind == "talk" and (talk := self._talks.get(ref.id)):
            keep = label.cell_len - cell_len(sanitize_line(talk.title))  # time and counts
        elif ref is not None and ref.kind == "event" and (event := self._events.get(ref.id)):
            # Too long: the date and title only, the date kept whole.
            short = event_label(event, self._annotation_counts.get(event.id, 0), short=True)
            short.stylize(style)
            icon = label.cell_len - cell_len(
                node.label.plain if isinstance(node.label, Text) else str(node.label)
            )
            label = Text.assemble(label[:icon], short)
            keep = icon + 11
        return truncate_middle(label, room, keep=max(0, keep))

    # ------------------------------------------------ its width, remembered

    def remember_width_in(self, state_path: Path | None) -> None:
        """Take the width remembered in `state_path` (the app's state file), and keep
        the ones set from now on there."""
        self._state_path = state_path
        width = load_state(state_path).get("tree_width") if state_path else None
        if isinstance(width, int) and not isinstance(width, bool) and width > 0:
            self.styles.width = width  # the stylesheet keeps it under 85% of the screen
            self.styles.min_width = TREE_MIN

    def widen(self, step: int, screen_width: int) -> None:
        # From the width asked last: several keys in one frame come before the layout.
        self.set_width((self._width or self.outer_size.width) + step, screen_width)

    def set_width(self, width: int, screen_width: int, *, remember: bool = True) -> None:
        width = max(TREE_MIN, min(width, max(TREE_MIN, screen_width - PANE_MIN)))
        self._width = width
        self.styles.width = width
        self.styles.min_width = TREE_MIN
        if remember and self._state_path is not None:
            state = load_state(self._state_path)
            state["tree_width"] = width
            try:
                save_state(self._state_path, state)
            except OSError as error:
                self.notify(f"Cannot remember the width: {error}", severity="warning")

    # -------------------------------------------- the divider: the right edge

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.x >= self.outer_size.width - 1:  # on the right border
            self._dragging = True
            self.capture_mouse()
            event.stop()
            event.prevent_default()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:  # the edge follows the mouse
            self.set_width(event.screen_x + 1, self.screen.size.width, remember=False)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:  # and stays where it is let go
            self._dragging = False
            self.release_mouse()
            self.set_width(event.screen_x + 1, self.screen.size.width)

    def on_mount(self) -> None:
        # Labels are Text in the theme's colours: built again when the theme changes.
        self.app.theme_changed_signal.subscribe(self, self._relabel)

    def _relabel(self, _theme: object) -> None:
        self.set_annotation_counts(self._annotation_counts)

    def set_annotation_counts(self, counts: dict[str, int]) -> None:
        self._annotation_counts = counts
        for key, node in self._node_by_key.items():
            if key in self._talks:
                node.set_label(talk_label(self._talks[key], counts.get(key, 0)))
            elif key in self._events:
                node.set_label(event_label(self._events[key], counts.get(key, 0)))

    def move_to(self, ref: NodeRef) -> bool:
        """Put the cursor on the node for `ref`; False if it is not in the tree."""
        key = {"event-notes": "notes:" + ref.id, "problems": "problems"}.get(ref.kind, ref.id)
        node = self._node_for(key)
        if node is None:
            return False
        if node.parent is not None and not node.parent.is_expanded:
            node.parent.expand()  # expanding again would lay the whole tree out again
        if node.line < 0:  # not laid out yet: the tree builds its lines on refresh
            self.call_after_refresh(self.move_cursor, node, False)
        else:
            self.move_cursor(node, animate=False)
        return True

    def refs(self) -> Iterable[NodeRef]:
        for node in self._node_by_key.values():
            if node.data is not None:
                yield node.data

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent, animate=False)

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            self._fill(node)
            node.expand()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        # Space, enter and a click unfold through Tree itself.
        self._fill(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Moved(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeRef]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(event.node.data))
