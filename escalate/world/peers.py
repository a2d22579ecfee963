"""The peers a researcher would fit instead of escalate: trained on the same pairs and features.

A logistic regression (features standardised) and gradient-boosted trees, both from
scikit-learn (the ``research`` extra: ``pip install 'escalate[research]'``), trained on the
backtest's training conflicts with the :data:`~escalate.world.features.FEATURES` of each
pair, and asked the chance that each scored candidate joins. Both are seeded, so the same
data give the same scores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from escalate.errors import EscalateError

#: The peers, by the name the backtest reports them under.
PEERS = ("logistic regression", "gradient-boosted trees")
#: What the backtest says when scikit-learn is missing.
MISSING = "peers skipped: scikit-learn is not installed (pip install 'escalate[research]')"


def available() -> bool:
    """Whether scikit-learn can be imported."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def _models() -> dict[str, Callable[[], Any]]:
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError as error:
        raise EscalateError(MISSING) from error
    return {
        "logistic regression": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "gradient-boosted trees": lambda: HistGradientBoostingClassifier(random_state=0),
    }


def fit_and_score(train_x: Any, train_y: Any, test_x: Any, *, threads: int | None = None) -> dict[str, Any]:
    """Each peer trained on ``(train_x, train_y)``: its chance of joining for each row of ``test_x``.

    A training set with no joiner (or nothing but joiners) teaches nothing: every score is
    the training rate. ``threads`` caps the OpenMP and BLAS threads of this call: beside
    processes that hold every core, a second thread would wait for the first spinning, burning
    the time it waits for. The trees score alike on any number of threads; the logistic
    regression's last digits follow BLAS's (its sums split among them), so a cap of one also
    makes its scores the same whatever the machine's BLAS threads.
    """
    import numpy as np
    from threadpoolctl import threadpool_limits

    models = _models()  # (scikit-learn's own OpenMP and BLAS are loaded by then, and so capped)

    rate = float(np.mean(train_y)) if len(train_y) else 0.0
    found = {}
    with threadpool_limits(threads):
        for name, make in models.items():
            if rate in (0.0, 1.0):
                found[name] = np.full(len(test_x), rate)
                continue
            model = make()
            model.fit(train_x, train_y)
            found[name] = model.predict_proba(test_x)[:, 1]
    return found
