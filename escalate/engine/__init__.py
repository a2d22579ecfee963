"""The engine: compile a scenario into ties, run the cascade exactly or by sampling, find the chains.

Above the model and the likelihood table, beside :mod:`escalate.io`:

- :mod:`~escalate.engine.ties`: a flare-up and its typed ties (arcs);
- :mod:`~escalate.engine.compile`: scenario -> ties;
- :mod:`~escalate.engine.cascade`: the rules, once;
- :mod:`~escalate.engine.exact`: exact enumeration, or sampling past a bound;
- :mod:`~escalate.engine.sampling`: numpy sampling;
- :mod:`~escalate.engine.chains`: the most likely chains.
"""
