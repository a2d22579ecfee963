"""Write examples/nagorno-karabakh.ipynb (run: python examples/make_notebook.py)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Nagorno-Karabakh, September 2020: who could be drawn in?\n\n"
        "The bundled default scenario holds the six actors of a news article of 28 September 2020, "
        "every relation quoting it. We ask the article's question, read the answer, try two what-ifs "
        "and export the graph."
    ),
    new_code_cell("import escalate\n\nscenario = escalate.load_scenario()\nscenario"),
    new_markdown_cell("## The seed's question: Armenia and Azerbaijan fight. Who else joins, on whose side?"),
    new_code_cell('result = escalate.escalation_paths(scenario, "Armenia", "Azerbaijan")\nresult'),
    new_code_cell('print(result.party("Russia").paths[0].explanation)'),
    new_code_cell("result.draw();"),
    new_markdown_cell("## What if Russia's pact with Armenia did not exist?"),
    new_code_cell(
        'no_pact = scenario.without_relations(type="defense_pact", between=["Russia", "Armenia"])\n'
        'escalate.escalation_paths(no_pact, "Armenia", "Azerbaijan")'
    ),
    new_markdown_cell("## What if the fighting stayed inside Nagorno-Karabakh?"),
    new_code_cell(
        'confined = escalate.escalation_paths(scenario, "Armenia", "Azerbaijan", theatre=["Nagorno-Karabakh"])\n'
        'confined.probability("Russia", "Armenia"), result.probability("Russia", "Armenia")'
    ),
    new_markdown_cell(
        "## What if Turkey fought beside Azerbaijan from the start?\n\n"
        "`with_a` and `with_b` name others fighting beside either belligerent from the outset. Turkey is "
        "then a belligerent, not a party; its own territory joins the theatre."
    ),
    new_code_cell(
        'with_turkey = escalate.escalation_paths(scenario, "Armenia", "Azerbaijan", with_b=["Turkey"])\n'
        "with_turkey"
    ),
    new_markdown_cell("## Into pandas, networkx and Gephi"),
    new_code_cell('frame = result.to_frame()\nframe[["actor", "side", "role", "probability"]]'),
    new_code_cell("G = scenario.to_networkx()\nG.number_of_nodes(), G.number_of_edges()"),
    new_code_cell(
        "import pathlib\nimport tempfile\n\n"
        'path = escalate.write_scenario(scenario, pathlib.Path(tempfile.mkdtemp()) / "nagorno-karabakh.graphml")\n'
        "escalate.read_scenario(path) == scenario"
    ),
]


def main() -> None:
    notebook = new_notebook(cells=CELLS)
    for number, cell in enumerate(notebook.cells):  # the same ids each time: rebuilding changes nothing
        cell.id = f"cell-{number}"
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    target = Path(__file__).with_name("nagorno-karabakh.ipynb")
    nbformat.write(notebook, target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
