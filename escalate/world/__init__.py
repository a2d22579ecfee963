"""The international system from real data: COW states and ATOP alliance obligations.

See :func:`escalate.world.atop.world_scenario`.
"""
