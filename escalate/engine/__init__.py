"""The engine: compile a scenario into ties, run the cascade exactly or by sampling, find the chains.

Above the model and the likelihood table, beside :mod:`escalate.io`: :mod:`~escalate.engine.compile`
(scenario -> typed ties), :mod:`~escalate.engine.cascade` (the rules, once),
:mod:`~escalate.engine.exact` (exact enumeration, or sampling past a bound),
:mod:`~escalate.engine.sampling` (numpy), :mod:`~escalate.engine.chains` (most likely chains).
"""
