"""Diagrams: artists on the Axes, files on disk, pixels, and the CLI wiring."""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.image  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.testing.compare import compare_images  # noqa: E402

from escalate import LikelihoodTable, OutputError, build_scenario, escalation_paths  # noqa: E402
from escalate.cli import app  # noqa: E402
from escalate.render.drawing import draw, save
from escalate.render.styles import EDGE_STYLES, SIDE_COLOURS

from .adversarial import dense, ring  # noqa: E402  (draw --all at scale: test_bounds.py)

BASELINE = os.path.join(os.path.dirname(__file__), "baseline", "nagorno-karabakh-2020.png")


@pytest.fixture(scope="module")
def default():
    return escalation_paths(None, "Armenia", "Azerbaijan")


@pytest.fixture(scope="module")
def background():
    # NATO's decision to act is rare with the fitted table; here it is likely enough to be drawn.
    table = LikelihoodTable().updated({"collective_defense.acts": 0.5})
    return escalation_paths("caucasus-2020", "Armenia", "Azerbaijan", likelihoods=table)


def drawn(result, **options):
    figure = Figure(figsize=(11, 7.5), dpi=100)
    ax = figure.add_axes((0.02, 0.1, 0.74, 0.8))
    draw(result, ax=ax, **options)
    return figure, ax


def labels(ax):
    return {t.get_text().splitlines()[0]: t for t in ax.texts if t.get_gid() == "label"}


def test_every_involved_actor_is_labelled_with_its_probability(default):
    _, ax = drawn(default)
    texts = labels(ax)
    assert set(texts) == {"Armenia", "Azerbaijan", "Nagorno-", "Russia", "Turkey", "United States"}
    assert texts["Turkey"].get_text() == "Turkey\n62%"
    # A party is drawn at its most likely entry: Russia mediates more likely than it fights.
    assert texts["Russia"].get_text() == f"Russia\n{100 * default.party('Russia').probability:.0f}%"


def test_a_chance_below_one_percent_reads_below_one_percent_never_zero():
    """With the default table the CSTO acts for Armenia at about 0.5% and Georgia fights at 0.4%."""
    result = escalation_paths("caucasus-2020", "Armenia", "Azerbaijan")
    _, ax = drawn(result)
    texts = labels(ax)
    for name in ("CSTO", "Georgia"):
        assert 0 < result.party(name).probability < 0.005
        assert texts[name].get_text() == f"{name}\n<1%"


def test_legend_holds_exactly_the_relation_types_and_roles_present(default, background):
    _, ax = drawn(default)
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    assert entries == [
        "defense pact",
        "backing",
        "hostility",
        "mediation",
        "belligerent",
        "ally (fights)",
        "mediator (no side)",
    ]
    _, ax = drawn(background)
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"collective defense", "entente", "alliance acts (one decision)"} <= set(entries)
    assert "guarantee" not in entries
    # An alliance is drawn as its decision (a hexagon, its chance to act), never as fighting at 100%.
    (nato,) = [t for t in ax.texts if t.get_text().startswith("NATO")]
    assert not nato.get_text().endswith("100%")


def test_title_and_footer(default):
    figure, ax = drawn(default)
    assert "Armenia vs Azerbaijan" in ax.get_title(loc="left")
    assert "as of 2020-09-28" in ax.get_title(loc="left")
    (footer,) = [t for t in figure.texts if t.get_gid() == "footer"]
    assert "Sources: Azerbaijan and Armenia report more casualties" in footer.get_text()


@pytest.mark.parametrize("name", ["nagorno-karabakh-2020", "caucasus-2020"])
@pytest.mark.parametrize("layout", ["camps"])
def test_no_label_overlaps_another_label_or_a_node(name, layout):
    result = escalation_paths(name, "Armenia", "Azerbaijan")
    figure, ax = drawn(result, layout=layout, show_all=True)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels(ax).values()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    from matplotlib.transforms import Bbox

    nodes = []
    for collection in ax.collections:
        if (collection.get_gid() or "").startswith("node:"):
            x, y = ax.transData.transform(collection.get_offsets()[0])
            radius = collection.get_sizes()[0] ** 0.5 / 2 * figure.dpi / 72
            nodes.append((collection.get_gid(), Bbox([[x - radius, y - radius], [x + radius, y + radius]])))
    assert len(nodes) == len(labels(ax))
    for text in labels(ax).values():
        box = text.get_window_extent(renderer)
        for gid, node in nodes:
            assert not box.overlaps(node), (text.get_text(), gid)


def test_parallel_relations_are_distinct_arcs(default):
    _, ax = drawn(default)
    russia_armenia = [
        p.get_gid()
        for p in ax.patches
        if (p.get_gid() or "").startswith("edge:") and "Russia" in p.get_gid() and "Armenia" in p.get_gid()
    ]
    assert len(russia_armenia) == 2  # the pact and Russia's mediation toward Armenia
    assert len({gid.rsplit(":", 1)[1] for gid in russia_armenia}) == 2


def test_relation_styles_are_distinct():
    styles = {(s.colour, str(s.linestyle), s.arrow, s.width) for s in EDGE_STYLES.values()}
    assert len(styles) == len(EDGE_STYLES)


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_files_are_valid(tmp_path, default, suffix, magic):
    path = save(default, tmp_path / f"d{suffix}", dpi=50, size=(8, 5))
    assert path.read_bytes().startswith(magic)


def test_png_has_the_requested_size_and_side_colours(tmp_path, default):
    path = save(default, tmp_path / "d.png", dpi=80, size=(10, 6))
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (480, 800)
    rgb = (pixels[..., :3] * 255).round().astype(int).reshape(-1, 3)
    for colour in SIDE_COLOURS:
        target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(rgb - target).sum(axis=1) <= 6).sum() > 100, colour


def test_same_input_same_bytes(tmp_path, default):
    for suffix in (".png", ".svg", ".pdf"):
        one = save(default, tmp_path / f"one{suffix}", dpi=50).read_bytes()
        two = save(default, tmp_path / f"two{suffix}", dpi=50).read_bytes()
        assert one == two, suffix


def test_failed_save_leaves_the_old_file_untouched(tmp_path, default, monkeypatch):
    path = tmp_path / "d.png"
    path.write_bytes(b"old")

    def broken(self, handle, **kwargs):
        handle.write(b"half")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError):
        save(default, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.png"]


def test_unknown_suffix_and_unwritable_folder(tmp_path, default):
    with pytest.raises(OutputError, match="unknown image format '.gif'"):
        save(default, tmp_path / "d.gif")
    with pytest.raises(OutputError, match="cannot write"):
        save(default, tmp_path / "missing" / "d.png")


def test_large_graph_draws_only_involved_parties_and_top_paths():
    names = [f"S{i:03d}" for i in range(160)]
    relations = [
        {"type": "backing", "from": names[i], "to": "S000", "level": "military"} for i in range(2, 12)
    ]
    relations += [{"type": "hostility", "between": [names[i], names[i + 1]]} for i in range(20, 150)]
    result = escalation_paths(
        build_scenario(actors={n: {} for n in names}, relations=relations), "S000", "S001"
    )
    _, ax = drawn(result)
    assert len(labels(ax)) == 2 + len(result.parties)
    edges = [p for p in ax.patches if (p.get_gid() or "").startswith("edge:")]
    assert len(edges) == 10


@pytest.mark.image
def test_default_diagram_matches_the_baseline(tmp_path, default):
    """Regenerate with: ESCALATE_REGEN_BASELINE=1 python -m pytest tests/test_drawing.py -k baseline."""
    actual = save(default, tmp_path / "actual.png", dpi=60)
    if os.environ.get("ESCALATE_REGEN_BASELINE"):
        actual.replace(BASELINE)
        pytest.skip("baseline regenerated")
    assert compare_images(BASELINE, str(actual), tol=3) is None


def test_cli_draw_writes_a_png(runner, tmp_path):
    out = tmp_path / "k.png"
    result = runner.invoke(
        app, ["draw", "Armenia", "Azerbaijan", "-o", str(out), "--dpi", "40", "--size", "8x5"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert matplotlib.image.imread(out).shape[:2] == (200, 320)


def test_cli_paths_png_writes_beside_the_table(runner, tmp_path):
    out = tmp_path / "k.svg"
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--png", str(out)])
    assert result.exit_code == 0
    assert "Russia" in result.stdout and out.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-o", "{tmp}/missing/k.png"], 1, "Error: cannot write"),
        (["-o", "{tmp}/k.gif"], 2, "unknown image format '.gif'"),
        (["-o", "{tmp}/k.png", "--size", "big"], 2, "not WIDTHxHEIGHT"),
        (["-o", "{tmp}/k.png", "--layout", "tree"], 2, "Invalid value for '--layout'"),
    ],
)
def test_cli_draw_errors(runner, tmp_path, args, code, message):
    args = [a.format(tmp=tmp_path) for a in args]
    result = runner.invoke(app, ["draw", "Armenia", "Azerbaijan", *args])
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*.png"))


@pytest.mark.parametrize("layout", ["spring", "circular"])
def test_other_layouts(tmp_path, background, layout):
    path = save(background, tmp_path / f"{layout}.png", dpi=40, layout=layout)
    assert path.stat().st_size > 1000


def test_many_parties_draw_only_the_most_likely_and_say_so():
    names = [f"S{i:02d}" for i in range(40)]
    relations = [
        {"type": "backing", "from": n, "to": "S00", "level": "military", "likelihood": 0.3 + i / 100}
        for i, n in enumerate(names[2:])
    ]
    result = escalation_paths(
        build_scenario(actors={n: {} for n in names}, relations=relations),
        "S00",
        "S01",
        method="monte-carlo",
        samples=300,
    )
    figure, ax = drawn(result)
    assert len(labels(ax)) == 2 + 24
    (footer,) = [t for t in figure.texts if t.get_gid() == "footer"]
    assert "Showing the 24 most likely of 38 parties." in footer.get_text()
    xs = sorted(
        {round(c.get_offsets()[0][0], 3) for c in ax.collections if (c.get_gid() or "").startswith("node:")}
    )
    assert len(xs) >= 4  # one hop column wraps into sub-columns


def test_an_image_too_large_to_draw_is_refused_before_any_work(runner, tmp_path, default):
    out = tmp_path / "big.png"
    result = runner.invoke(
        app, ["draw", "Armenia", "Azerbaijan", "--size", "50x50", "--dpi", "1200", "-o", str(out)]
    )
    assert result.exit_code == 2 and "60,000 x 60,000 pixels" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file, no .part
    with pytest.raises(OutputError, match="lower --dpi or --size"):
        save(default, out, size=(100, 100), dpi=100)


def test_draw_all_draws_a_bounded_number_of_bystanders_and_relations_and_says_so(tmp_path):
    from escalate import load_scenario
    from escalate.render.layout import MAX_EDGES, MAX_UNINVOLVED

    (tmp_path / "ring.toml").write_text(ring(1000))
    result = escalation_paths(load_scenario(tmp_path / "ring.toml"), "S0", "S1")
    parties = len({p.actor for p in result.parties})
    assert 0 < parties < 24
    figure, ax = drawn(result, show_all=True)
    (footer,) = [t for t in figure.texts if t.get_gid() == "footer"]
    nodes = sum(1 for c in ax.collections if (c.get_gid() or "").startswith("node:"))
    assert nodes == 2 + parties + MAX_UNINVOLVED
    bystanders = f"{1000 - 2 - parties:,}"
    assert f"Showing {MAX_UNINVOLVED} of {bystanders} uninvolved actors." in footer.get_text().replace(
        "\n", " "
    )
    (tmp_path / "dense.toml").write_text(dense(60))
    figure, ax = drawn(escalation_paths(load_scenario(tmp_path / "dense.toml"), "S0", "S1"), show_all=True)
    (footer,) = [t for t in figure.texts if t.get_gid() == "footer"]
    assert sum(1 for p in ax.patches if (p.get_gid() or "").startswith("edge:")) == MAX_EDGES
    assert f"Showing {MAX_EDGES} of 1,771 relations." in footer.get_text().replace("\n", " ")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_names_that_look_like_mathtext_are_drawn_as_written(tmp_path, suffix):
    names = ["$x^{2", "B$", "C_{x}\\frac"]
    s = build_scenario(
        actors={n: {} for n in names},
        relations=[
            {"type": "hostility", "between": names[:2]},
            {"type": "defense_pact", "between": names[1:]},
        ],
    )
    result = escalation_paths(s, names[0], names[1])
    save(result, tmp_path / f"m{suffix}", title="$\\frac{")  # matplotlib once parsed these as formulas
    figure, ax = drawn(result)
    figure.canvas.draw()
    assert set(labels(ax)) == set(names)
    assert ax.get_title(loc="left").startswith(s.name)


def test_a_chain_with_a_strike_on_a_joiner_draws_with_all(monkeypatch):
    from escalate.render import layout

    # D backs B and joins; its territory is struck, which invokes E's guarantee: the top path
    # holds a strike step, which is not a relation and must not be drawn as one.
    s = build_scenario(
        actors={n: {} for n in "ABDE"},
        relations=[
            {"type": "backing", "from": "D", "to": "B", "level": "military", "likelihood": 0.8},
            {"type": "guarantee", "from": "E", "to": "D", "likelihood": 0.9},
        ],
    )
    table = LikelihoodTable().updated({"struck.bordering": 1.0, "struck.distant": 1.0})
    result = escalation_paths(s, "A", "B", initiator="A", likelihoods=table)
    assert [step.relation for step in result.party("E").paths[0].steps] == ["backing", "strike", "guarantee"]
    for large in (False, True):  # a large scenario draws only the top paths' relations
        if large:
            monkeypatch.setattr(layout, "LARGE", 1)
        _, ax = drawn(result, show_all=True)
        assert {"A", "B", "D", "E"} <= set(labels(ax))


def test_further_belligerents_are_drawn_on_their_side():
    result = escalation_paths(None, "Armenia", "Azerbaijan", with_b=["Turkey"])
    _, ax = drawn(result)
    texts = labels(ax)
    assert (
        texts["Turkey"].get_text()
        == "Turkey\nbelligerent"
        == texts["Azerbaijan"].get_text().replace("Azerbaijan", "Turkey")
    )
    assert texts["Turkey"].xy[0] == texts["Azerbaijan"].xy[0] > 0 > texts["Armenia"].xy[0]
