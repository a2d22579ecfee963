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


def wide_regions(n):
    """A state of n regions with a defence pact to each of n partners: once n x n covered places."""
    return (
        "relations = [\n"
        + "".join(f'  {{ type = "defense_pact", between = ["S0", "P{i}"] }},\n' for i in range(n))
        + "]\n[actors]\nS0 = {}\nS1 = {}\n"
        + "".join(f'P{i} = {{}}\nR{i} = {{ kind = "region", located_in = "S0" }}\n' for i in range(n))
    )


def nested_regions(depth):
    """S0 at war with S1, and ``depth`` regions each inside the one before, the first in S0."""
    return (
        'relations = [{ type = "hostility", between = ["S0", "S1"] }]\n[actors]\nS0 = {}\nS1 = {}\n'
        + 'R0 = { kind = "region", located_in = "S0" }\n'
        + "".join(f'R{i} = {{ kind = "region", located_in = "R{i - 1}" }}\n' for i in range(1, depth))
    )


def covered_regions(pacts, regions):
    """A state of ``regions`` regions and ``pacts`` partners, each pact listing every region it covers."""
    covers = ", ".join(f'"R{j}"' for j in range(regions))
    return (
        "relations = [\n"
        + "".join(
            f'  {{ type = "defense_pact", between = ["P{i}", "A"], covers = [{covers}] }},\n'
            for i in range(pacts)
        )
        + "]\n[actors]\nA = {}\nB = {}\n"
        + "".join(f"P{i} = {{}}\n" for i in range(pacts))
        + "".join(f'R{j} = {{ kind = "region", located_in = "A" }}\n' for j in range(regions))
    )


def star(n):
    """A hub bordering ``n`` states, each of which lies two borders from every other."""
    return (
        "relations = [\n"
        + "".join(f'  {{ type = "border", between = ["S0", "S{i}"] }},\n' for i in range(1, n + 1))
        + "]\n[actors]\n"
        + "".join(f"S{i} = {{}}\n" for i in range(n + 1))
    )
