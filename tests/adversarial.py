"""Scenario texts built to stress escalate: long chains, every pair related."""


def ring(n):
    """n states, each hostile to the next: one flare-up, few parties, many bystanders."""
    return (
        "relations = [\n"
        + "".join(f'  {{ type = "hostility", between = ["S{i}", "S{(i + 1) % n}"] }},\n' for i in range(n))
        + "]\n[actors]\n"
        + "".join(f"S{i} = {{}}\n" for i in range(n))
    )


def dense(n):
    """n states with a hostility or a defence pact between every pair, and a neutrality pact."""
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    kinds = ("hostility", "defense_pact")
    return (
        "relations = [\n"
        + "".join(
            f'  {{ type = "{kinds[(i * 7 + j) % 2]}", between = ["S{i}", "S{j}"] }},\n' for i, j in pairs
        )
        + '  { type = "neutrality_pact", between = ["S0", "S2"] },\n]\n[actors]\n'
        + "".join(f"S{i} = {{}}\n" for i in range(n))
    )
